using ChatStreams.Streams.Processor;
using ChatStreams.Streams.State;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Topologies.FanOut;

/// <summary>
/// Sub-topology 0, chat.receipts (key: conversation id). A receipt update goes to the member it is about (their other
/// devices sync read state) and to the senders whose messages it newly covers (their ticks turn), if they are still
/// members; nobody else, so a read in a 1,000-member group does not become 1,000 frames. An update the issuer's own
/// event carries (<see cref="ReceiptUpdate.CarriedBySeq"/>) reaches them with that event's deliveries instead.
/// </summary>
internal sealed class ReceiptFanOut(ILogger<ReceiptFanOut> logger) : IProcessor<string, ReceiptUpdate, string, RoutedDelivery>
{
    private IProcessorContext<string, RoutedDelivery> _context = null!;
    private ConversationMembers _members = null!;

    public void Init(IProcessorContext<string, RoutedDelivery> context)
    {
        _context = context;
        _members = ConversationMembers.From(context);
    }

    public void Process(Record<string, ReceiptUpdate> record)
    {
        var update = record.Value;
        if (update is null || !ConversationMembers.IsUsableId(update.ConversationId) || record.Key != update.ConversationId)
        {
            logger.LogWarning("Dropped a receipt update without a usable conversation id or filed under another key (key '{Key}').", record.Key);
            return;
        }
        // The issuer's own event carries this update to the same recipients (EventFanOut marks their deliveries): a
        // delivery of its own here would be a second copy of the same frames. Half of a group's records at load.
        if (update.CarriedBySeq > 0) return;
        var recipients = new[] { update.UserId }.Concat(update.CoveredSenders ?? [])
            .Where(user => _members.IsMember(update.ConversationId, user))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (recipients.Count == 0)
        {
            logger.LogDebug("Receipt update of {User} in conversation {Conversation} has no recipient that is a member.", update.UserId, update.ConversationId);
            return;
        }
        var createdAt = TimeConversions.FromUnixMs(_context.CurrentSystemTimeMs);
        foreach (var recipient in recipients)
        {
            var delivery = new Delivery
            {
                UserId = recipient,
                DeviceId = null,
                ConversationId = update.ConversationId,
                Seq = null,
                CreatedAt = createdAt,
                Payload = update,
            };
            _context.Forward(new Record<string, RoutedDelivery>(recipient, new RoutedDelivery(null, delivery), record.Timestamp, record.Headers), FanOutTopology.ToUsersSink);
        }
    }
}
