using Avro.Specific;
using ChatStreams.Contracts;
using ChatStreams.Streams.Processor;
using ChatStreams.Streams.State;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Topologies.Conversation;

/// <summary>
/// The heart of the conversation topology: one instance per partition of chat.commands, so every command of a
/// conversation passes through one of these, one at a time, in log order. It checks the command against the
/// conversation's state, assigns the next seq (1, 2, 3 … with no gaps) to what it accepts and emits the ChatEvent;
/// what it refuses becomes a CommandRejected event that takes no seq and goes back to the issuing device only.
/// Receipts update the receipt ledger and emit ReceiptUpdates instead of events. Never throws on bad input.
/// </summary>
public sealed partial class Sequencer(ConversationOptions options, ILogger logger) : IProcessor<string, ChatCommand, string, ISpecificRecord>
{
    private IProcessorContext<string, ISpecificRecord> _context = null!;
    private IKeyValueStore<string, ConversationHead> _conversations = null!;
    private IKeyValueStore<string, MemberEntry> _members = null!;
    private IKeyValueStore<string, MessageAuthor> _messages = null!;
    private ITtlKeyValueStore<string, DedupEntry> _dedup = null!;
    private ReceiptLedger _ledger = null!;

    // The command being processed and the time the sequencer decides at (the event's occurredAt).
    private Record<string, ChatCommand> _record = null!;
    private long _nowMs;

    public void Init(IProcessorContext<string, ISpecificRecord> context)
    {
        _context = context;
        _conversations = context.GetStateStore<IKeyValueStore<string, ConversationHead>>(ConversationTopology.ConversationsStore);
        _members = context.GetStateStore<IKeyValueStore<string, MemberEntry>>(ConversationTopology.MembersStore);
        _messages = context.GetStateStore<IKeyValueStore<string, MessageAuthor>>(ConversationTopology.MessagesStore);
        _dedup = context.GetStateStore<ITtlKeyValueStore<string, DedupEntry>>(ConversationTopology.DedupStore);
        _ledger = new ReceiptLedger(context.GetStateStore<IKeyValueStore<string, ReceiptMarks>>(ConversationTopology.ReceiptsStore), _messages);
        // Expired client message ids are never matched; purging only reclaims their space.
        context.Schedule(TimeSpan.FromMinutes(10), PunctuationType.StreamTime, streamTime => _dedup.PurgeExpired(streamTime));
    }

    public void Process(Record<string, ChatCommand> record)
    {
        var command = record.Value;
        if (command?.Payload is null)
        {
            logger.LogWarning("skipped a command without a value or payload at key {Key}", record.Key);
            return;
        }
        _record = record;
        _nowMs = _context.CurrentSystemTimeMs;
        var conversationId = command.ConversationId;
        if (!IsValidId(conversationId) || record.Key != conversationId)
        {
            // The conversation's state lives in the task of its own key, not this one: no seq to report.
            Reject(command, null, RejectionCodes.InvalidCommand,
                $"the command's conversation id '{conversationId}' is not a valid id or does not match its Kafka key '{record.Key}'; send it to the conversation it names");
            return;
        }
        var head = _conversations.Get(conversationId);
        if (!IsValidId(command.UserId))
        {
            Reject(command, head, RejectionCodes.InvalidCommand, "the command has no valid user id");
            return;
        }

        switch (command.Payload)
        {
            case CreateConversation create: Create(command, head, create); break;
            case AddMember add: Add(command, head, add); break;
            case RemoveMember remove: Remove(command, head, remove); break;
            case SendMessage send: Send(command, head, send); break;
            case EditMessage edit: Edit(command, head, edit); break;
            case DeleteMessage delete: Delete(command, head, delete); break;
            case React react: ReactTo(command, head, react); break;
            case Receipt receipt: Acknowledge(command, head, receipt); break;
            default:
                Reject(command, head, RejectionCodes.InvalidCommand, $"unknown command type {command.Payload.GetType().Name}");
                break;
        }
    }

    /// <summary>The member entry of the issuer, or null after emitting not_member (also when the conversation does not exist, so ids cannot be probed).</summary>
    private MemberEntry? RequireMember(ChatCommand command, ConversationHead? head)
    {
        var member = head is null ? null : _members.Get(StoreKeys.Of(command.ConversationId, command.UserId));
        if (member is null)
            Reject(command, head, RejectionCodes.NotMember, $"you are not a member of conversation {command.ConversationId}");
        return member;
    }

    /// <summary>
    /// Assigns the next seq and builds its event. The caller applies what the event changes to the state, then
    /// <see cref="Publish"/>es it; nothing is emitted before that.
    /// </summary>
    private ChatEvent Sequence(ChatCommand command, ConversationHead head, ISpecificRecord payload)
    {
        var seq = ++head.LastSeq;
        // Every seq passes here once, so dropping the one that just left the editable window keeps the messages
        // store at EditableMessages entries per conversation whatever kinds of events came between.
        if (seq > options.EditableMessages) _messages.Delete(StoreKeys.Seq(command.ConversationId, seq - options.EditableMessages));
        return Event(command, seq, payload);
    }

    /// <summary>
    /// Emits a sequenced event of a member's own doing. What a member does themself they have seen: the event moves
    /// their read mark to it (so it never counts as unread for them). The receipt update this makes travels inside the
    /// event (<see cref="ChatEvent.IssuerReceipt"/>), so the fan-out hands its frames to the recipients with the
    /// event's deliveries instead of one more delivery each; it is also written to chat.receipts, marked as carried,
    /// for the receipt state's readers.
    /// </summary>
    private void Publish(ChatCommand command, ConversationHead head, ChatEvent chatEvent)
    {
        var stillMember = _members.Get(StoreKeys.Of(command.ConversationId, command.UserId)) is not null; // not when they left with this event
        var receipt = stillMember ? _ledger.Advance(head, command.ConversationId, command.UserId, ReceiptStatus.Read, chatEvent.Seq, command.IssuedAt) : null;
        if (receipt is not null)
        {
            receipt.CarriedBySeq = chatEvent.Seq;
            chatEvent.IssuerReceipt = receipt;
        }
        Forward(command, chatEvent);
        if (receipt is not null) Forward(command, receipt);
    }

    /// <summary>
    /// A refusal: takes no seq and changes nothing. It carries the last seq for a member and 0 for anyone else, so a
    /// non-member learns nothing about a conversation, not even whether it exists.
    /// </summary>
    private void Reject(ChatCommand command, ConversationHead? head, string code, string reason)
    {
        logger.LogDebug("rejected command {CommandId} of {UserId} in {ConversationId}: {Code} {Reason}", command.CommandId, command.UserId, command.ConversationId, code, reason);
        var visibleSeq = head is not null && IsValidId(command.UserId) && _members.Get(StoreKeys.Of(command.ConversationId, command.UserId)) is not null ? head.LastSeq : 0;
        Forward(command, Event(command, visibleSeq, new CommandRejected { Code = code, Reason = reason }));
    }

    private void Forward(ChatCommand command, ISpecificRecord value) =>
        _context.Forward(new Record<string, ISpecificRecord>(command.ConversationId, value, _nowMs, _record.Headers));

    private ChatEvent Event(ChatCommand command, long seq, ISpecificRecord payload) => new()
    {
        ConversationId = command.ConversationId,
        Seq = seq,
        EventId = EventIds.For(command.CommandId, payload.Schema.Name),
        CommandId = command.CommandId,
        ClientMessageId = command.ClientMessageId,
        UserId = command.UserId,
        DeviceId = command.DeviceId,
        EdgeId = command.EdgeId,
        OccurredAt = TimeConversions.FromUnixMs(_nowMs),
        CommandIssuedAt = command.IssuedAt,
        Trace = command.Trace,
        Payload = payload,
    };

    /// <summary>Ids become parts of store keys joined by U+0000, so they must not contain it (nor be blank).</summary>
    private static bool IsValidId(string? id) => !string.IsNullOrWhiteSpace(id) && !id.Contains(StoreKeys.Separator) && id.Length <= 200;
}
