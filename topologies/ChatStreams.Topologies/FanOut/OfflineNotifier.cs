using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Topologies.FanOut;

/// <summary>
/// The offline path of the delivery router: a message from someone else becomes a push notification for the
/// recipient; anything else (edits, reactions, receipts, membership, their own messages) is dropped, because a device
/// that comes back resumes the conversation from history.
/// </summary>
internal sealed class OfflineNotifier(TopologyOptions options, ILogger<OfflineNotifier> logger) : IProcessor<string, RoutedDelivery, string, Notification>
{
    private IProcessorContext<string, Notification> _context = null!;

    public void Init(IProcessorContext<string, Notification> context) => _context = context;

    public void Process(Record<string, RoutedDelivery> record)
    {
        if (record.Value is not { } routed) return;
        Delivery delivery;
        try
        {
            delivery = routed.Delivery;
        }
        catch (SerializationException e)
        {
            // Read lazily (RoutedDelivery): a delivery whose bytes held together but do not decode costs its push
            // notification, not the task; the device still finds the message in history.
            logger.LogWarning(e, "Dropped the notification of a delivery to {User} that cannot be decoded.", record.Key);
            return;
        }
        if (delivery.Payload is not ChatEvent { Payload: MessageSent message } chatEvent) return;
        var recipient = record.Key;
        if (string.IsNullOrEmpty(recipient) || recipient == chatEvent.UserId) return;
        var notification = new Notification
        {
            UserId = recipient,
            ConversationId = chatEvent.ConversationId,
            Seq = chatEvent.Seq,
            SenderId = chatEvent.UserId,
            Preview = NotificationPreview.Of(message.Body, options.FanOut.NotificationPreviewLength),
            CreatedAt = TimeConversions.FromUnixMs(_context.CurrentSystemTimeMs),
            ConversationTitle = ConversationTitleHeader.Read(record.Headers),
        };
        logger.LogTrace("Notifying offline user {User} of message {Seq} in conversation {Conversation}.", recipient, chatEvent.Seq, chatEvent.ConversationId);
        _context.Forward(new Record<string, Notification>(recipient, notification, record.Timestamp, ConversationTitleHeader.Without(record.Headers)));
    }
}
