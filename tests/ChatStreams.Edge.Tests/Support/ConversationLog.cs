using chatstreams.v1;

namespace ChatStreams.Edge.Tests.Support;

/// <summary>
/// Writes the chat.events of one conversation as the sequencer would: consecutive seqs from 1, one second apart,
/// so tests can fold them into a history or deliver them to a connection.
/// </summary>
internal sealed class ConversationLog(string conversationId, DateTime? start = null)
{
    public static readonly DateTime Epoch = new(2025, 3, 4, 5, 6, 7, 89, DateTimeKind.Utc);

    private readonly DateTime _start = start ?? Epoch;
    private long _seq;

    /// <summary>A direct conversation of alice and bob with <paramref name="messages"/> messages after its creation (seqs 1..messages+1).</summary>
    public static ConversationLog Direct(string id, int messages)
    {
        var log = new ConversationLog(id);
        log.Created("alice", ["bob"], ConversationKind.Direct);
        for (var i = 1; i <= messages; i++) log.Sent(i % 2 == 0 ? "alice" : "bob", $"{id} message {i}");
        return log;
    }

    /// <summary>An event as alice's edge receives it from its delivery topic.</summary>
    public static Delivery DeliveryToAlice(ChatEvent e) => new() { UserId = "alice", ConversationId = e.ConversationId, Seq = e.Seq, CreatedAt = e.OccurredAt, Payload = e };

    public string Id => conversationId;
    public long LastSeq => _seq;
    public List<ChatEvent> Events { get; } = [];

    public DateTime TimeOf(long seq) => _start.AddSeconds(seq);

    public ChatEvent Created(string creator, IEnumerable<string> others, ConversationKind kind = ConversationKind.Group, string? title = null) =>
        Next(creator, new ConversationCreated
        {
            Kind = kind,
            Title = title,
            Members = [creator, .. others],
            Admins = kind == ConversationKind.Group ? [creator] : [],
        });

    public ChatEvent Added(string by, string member, MemberRole role = MemberRole.Member) =>
        Next(by, new MemberAdded { MemberId = member, Role = role });

    public ChatEvent Removed(string by, string member) => Next(by, new MemberRemoved { MemberId = member });

    public ChatEvent Sent(string sender, string body, string? clientMessageId = null, IList<Attachment>? attachments = null) =>
        Next(sender, new MessageSent { MessageId = $"msg-{conversationId}-{_seq + 1}", Body = body, Attachments = attachments ?? [] }, clientMessageId);

    public ChatEvent Edited(string by, long targetSeq, string body) => Next(by, new MessageEdited { TargetSeq = targetSeq, Body = body });

    public ChatEvent Deleted(string by, long targetSeq) => Next(by, new MessageDeleted { TargetSeq = targetSeq });

    public ChatEvent Reacted(string by, long targetSeq, string emoji, bool remove = false) =>
        Next(by, new ReactionChanged { TargetSeq = targetSeq, Emoji = emoji, Action = remove ? ReactionAction.Remove : ReactionAction.Add });

    /// <summary>A refusal: no position of its own, it carries the last seq.</summary>
    public ChatEvent Rejected(string by, string commandId, string code = "not_author") =>
        Event(by, _seq, commandId, new CommandRejected { Code = code, Reason = "refused" }, null);

    /// <summary>The next seq, with the command id "cmd-&lt;conversation&gt;-&lt;seq&gt;".</summary>
    public string NextCommandId => $"cmd-{conversationId}-{_seq + 1}";

    private ChatEvent Next(string userId, object payload, string? clientMessageId = null)
    {
        var e = Event(userId, ++_seq, $"cmd-{conversationId}-{_seq}", payload, clientMessageId);
        Events.Add(e);
        return e;
    }

    private ChatEvent Event(string userId, long seq, string commandId, object payload, string? clientMessageId) => new()
    {
        ConversationId = conversationId,
        Seq = seq,
        EventId = $"evt-{commandId}",
        CommandId = commandId,
        ClientMessageId = clientMessageId,
        UserId = userId,
        DeviceId = "phone",
        EdgeId = "edge-0",
        OccurredAt = TimeOf(seq),
        Payload = payload,
    };
}
