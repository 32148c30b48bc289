using ChatStreams.Contracts;
using ChatStreams.Streams.Processor;
using ChatStreams.Streams.State;
using chatstreams.v1;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Topologies.FanOut;

/// <summary>
/// Sub-topology 0, chat.events (key: conversation id). Folds membership from the events and turns each event into one
/// delivery per member, keyed by the member, for the repartition by user. Membership changes apply at their own
/// position: a new member gets their MemberAdded and everything after it; a removed member gets their MemberRemoved
/// and nothing after it. Command outcomes go straight to the issuing device's edge.
/// </summary>
internal sealed class EventFanOut(ILogger<EventFanOut> logger) : IProcessor<string, ChatEvent, string, RoutedDelivery>
{
    private IProcessorContext<string, RoutedDelivery> _context = null!;
    private ConversationMembers _members = null!;

    public void Init(IProcessorContext<string, RoutedDelivery> context)
    {
        _context = context;
        _members = ConversationMembers.From(context);
    }

    public void Process(Record<string, ChatEvent> record)
    {
        var chatEvent = record.Value;
        if (chatEvent is null || !ConversationMembers.IsUsableId(chatEvent.ConversationId))
        {
            logger.LogWarning("Dropped a chat event without a usable conversation id (key '{Key}').", record.Key);
            return;
        }
        if (record.Key != chatEvent.ConversationId)
        {
            // The membership state is partitioned by the key: folding an event filed under another key would split
            // a conversation's state across tasks.
            logger.LogWarning("Dropped event {Seq} of conversation {Conversation}: it was keyed '{Key}'.", chatEvent.Seq, chatEvent.ConversationId, record.Key);
            return;
        }
        if (CommandOutcomes.IsOutcome(chatEvent))
        {
            SendOutcome(record, chatEvent);
            return;
        }
        Apply(record, chatEvent);
    }

    private void Apply(Record<string, ChatEvent> record, ChatEvent chatEvent)
    {
        var conversationId = chatEvent.ConversationId;
        var conversation = _members.Conversation(conversationId);
        if (conversation is null && chatEvent.Payload is not ConversationCreated)
        {
            logger.LogWarning("Dropped event {Seq} ({Type}) of unknown conversation {Conversation}.", chatEvent.Seq, PayloadName(chatEvent), conversationId);
            return;
        }
        var lastSeq = conversation?.LastSeq ?? 0;
        if (chatEvent.Seq <= lastSeq)
        {
            logger.LogWarning("Dropped event {Seq} of conversation {Conversation}: already applied up to {LastSeq} (a replayed duplicate).", chatEvent.Seq, conversationId, lastSeq);
            return;
        }
        if (chatEvent.Seq > lastSeq + 1)
            logger.LogWarning("Conversation {Conversation} jumped from seq {LastSeq} to {Seq}; delivering it anyway (members resume the gap from history).", conversationId, lastSeq, chatEvent.Seq);

        var memberCount = conversation?.MemberCount ?? 0;
        switch (chatEvent.Payload)
        {
            case ConversationCreated created:
                conversation = new FanOutConversation(created.Kind, created.Title, 0, lastSeq);
                foreach (var member in (created.Members ?? []).Where(ConversationMembers.IsUsableId).Distinct(StringComparer.Ordinal))
                {
                    var role = created.Admins?.Contains(member) == true ? MemberRole.Admin : MemberRole.Member;
                    if (_members.Add(conversationId, member, new FanOutMember(role, chatEvent.Seq))) memberCount++;
                }
                DeliverToMembers(record, chatEvent, conversation);
                break;
            case MemberAdded added when ConversationMembers.IsUsableId(added.MemberId):
                if (_members.Add(conversationId, added.MemberId, new FanOutMember(added.Role, chatEvent.Seq))) memberCount++;
                DeliverToMembers(record, chatEvent, conversation!);
                break;
            case MemberRemoved removed when ConversationMembers.IsUsableId(removed.MemberId):
                DeliverToMembers(record, chatEvent, conversation!);
                if (_members.Remove(conversationId, removed.MemberId)) memberCount--;
                else logger.LogWarning("Event {Seq} of conversation {Conversation} removes {Member}, who is not a member.", chatEvent.Seq, conversationId, removed.MemberId);
                break;
            case MessageSent or MessageEdited or MessageDeleted or ReactionChanged:
                DeliverToMembers(record, chatEvent, conversation!);
                break;
            default:
                // The seq still took its position: record it so the next event is not reported as a gap.
                logger.LogWarning("Skipped event {Seq} of conversation {Conversation}: payload {Type} is unknown or names no usable member.", chatEvent.Seq, conversationId, PayloadName(chatEvent));
                break;
        }
        _members.Save(conversationId, conversation! with { MemberCount = memberCount, LastSeq = chatEvent.Seq });
    }

    private void DeliverToMembers(Record<string, ChatEvent> record, ChatEvent chatEvent, FanOutConversation conversation)
    {
        var headers = TitleHeaders(record.Headers, chatEvent, conversation);
        var createdAt = TimeConversions.FromUnixMs(_context.CurrentSystemTimeMs);
        var receiptRecipients = IssuerReceiptRecipients(chatEvent);
        var sharedEvent = new SharedEventEncoding();
        foreach (var member in _members.Of(chatEvent.ConversationId))
        {
            var delivery = new Delivery
            {
                UserId = member,
                DeviceId = null,
                ConversationId = chatEvent.ConversationId,
                Seq = chatEvent.Seq,
                CreatedAt = createdAt,
                Payload = chatEvent,
                WithIssuerReceipt = receiptRecipients?.Contains(member) == true,
            };
            _context.Forward(new Record<string, RoutedDelivery>(member, new RoutedDelivery(null, delivery) { SharedEvent = sharedEvent }, record.Timestamp, headers),
                FanOutTopology.ToUsersSink);
        }
    }

    /// <summary>
    /// Who among the event's recipients gets the receipt frames of the update it carries (null: it carries none): the
    /// same recipients as a receipt update travelling alone (<see cref="ReceiptFanOut"/>) — the member it is about and
    /// the senders it newly covers — who are members after the event, so not the member this event removes.
    /// </summary>
    private static HashSet<string>? IssuerReceiptRecipients(ChatEvent chatEvent)
    {
        if (chatEvent.IssuerReceipt is not { } receipt) return null;
        var recipients = new HashSet<string>(receipt.CoveredSenders ?? [], StringComparer.Ordinal) { receipt.UserId };
        if (chatEvent.Payload is MemberRemoved removed) recipients.Remove(removed.MemberId);
        return recipients;
    }

    /// <summary>Only a message can become a push notification, and only a group's banner shows a title.</summary>
    private static Headers? TitleHeaders(Headers? headers, ChatEvent chatEvent, FanOutConversation conversation) =>
        chatEvent.Payload is MessageSent && conversation.Kind == ConversationKind.Group && !string.IsNullOrEmpty(conversation.Title)
            ? ConversationTitleHeader.With(headers, conversation.Title)
            : headers;

    private void SendOutcome(Record<string, ChatEvent> record, ChatEvent chatEvent)
    {
        if (!Topics.IsValidEdgeId(chatEvent.EdgeId))
        {
            logger.LogWarning("Dropped the {Type} of command {Command} in conversation {Conversation}: no usable edge id ('{Edge}') to reach device {Device}.",
                PayloadName(chatEvent), chatEvent.CommandId, chatEvent.ConversationId, chatEvent.EdgeId, chatEvent.DeviceId);
            return;
        }
        if (string.IsNullOrEmpty(chatEvent.UserId))
        {
            logger.LogWarning("Dropped the {Type} of command {Command} in conversation {Conversation}: it names no user.", PayloadName(chatEvent), chatEvent.CommandId, chatEvent.ConversationId);
            return;
        }
        var delivery = CommandOutcomes.ToDelivery(chatEvent, TimeConversions.FromUnixMs(_context.CurrentSystemTimeMs))!;
        _context.Forward(new Record<string, RoutedDelivery>(chatEvent.UserId, new RoutedDelivery(chatEvent.EdgeId, delivery), record.Timestamp, record.Headers),
            FanOutTopology.CommandOutcomeSink);
    }

    private static string PayloadName(ChatEvent chatEvent) => chatEvent.Payload?.GetType().Name ?? "null";
}
