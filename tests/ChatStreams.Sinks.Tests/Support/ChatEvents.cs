using chatstreams.v1;

namespace ChatStreams.Sinks.Tests.Support;

/// <summary>Sequenced events of one conversation as the sequencer writes them (seq, time and ids filled in).</summary>
public sealed class ChatEvents(string conversationId)
{
    public static readonly DateTime Start = new(2025, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    private long _seq;

    public long Seq => _seq;

    public ChatEvent Created(string by, string[] members, ConversationKind kind = ConversationKind.Group, string? title = "team", string[]? admins = null) =>
        Next(by, new ConversationCreated { Kind = kind, Title = title, Members = members, Admins = admins ?? [by] });

    public ChatEvent Added(string by, string member) => Next(by, new MemberAdded { MemberId = member });

    public ChatEvent Removed(string by, string member) => Next(by, new MemberRemoved { MemberId = member });

    public ChatEvent Sent(string by, string body) =>
        Next(by, new MessageSent { MessageId = $"m-{_seq + 1}", Body = body, Attachments = [new Attachment { MediaId = "media-" + (_seq + 1) }] });

    /// <summary>A message with attachments carrying these file names (what a user sees and may search for).</summary>
    /// <summary>A message of an end-to-end encrypted conversation: opaque bytes, no body.</summary>
    public ChatEvent SentEncrypted(string by, byte[] ciphertext) =>
        Next(by, new MessageSent { MessageId = $"m-{_seq + 1}", Body = "", Ciphertext = ciphertext });

    public ChatEvent SentWithFiles(string by, string body, params string[] fileNames) =>
        Next(by, new MessageSent
        {
            MessageId = $"m-{_seq + 1}", Body = body,
            Attachments = [.. fileNames.Select((name, i) => new Attachment { MediaId = $"media-{_seq + 1}-{i}", FileName = name, ContentType = "application/octet-stream" })],
        });

    public ChatEvent Edited(string by, long target, string body) => Next(by, new MessageEdited { TargetSeq = target, Body = body });

    public ChatEvent Deleted(string by, long target) => Next(by, new MessageDeleted { TargetSeq = target });

    public ChatEvent Reacted(string by, long target, string emoji, ReactionAction action = ReactionAction.Add) =>
        Next(by, new ReactionChanged { TargetSeq = target, Emoji = emoji, Action = action });

    /// <summary>A rejection: no position of its own, it carries the last seq.</summary>
    public ChatEvent Rejected(string by) => Make(_seq, by, new CommandRejected { Code = "not_member", Reason = "not a member" });

    /// <summary>
    /// A conversation exercising every kind of event, as the store contracts use it: joins and leaves, edits, a
    /// deletion, reactions added and removed, and a rejection (which takes no position).
    /// </summary>
    public static List<ChatEvent> Story(string conversationId = "c1")
    {
        var c = new ChatEvents(conversationId);
        return
        [
            c.Created("alice", ["alice", "bob"]),      // 1
            c.Sent("alice", "hello bob"),              // 2
            c.Sent("bob", "hi alice"),                 // 3
            c.Added("alice", "carol"),                 // 4
            c.Reacted("bob", 2, "👍"),                  // 5
            c.Reacted("carol", 2, "👍"),                // 6
            c.Reacted("bob", 2, "👍", ReactionAction.Remove), // 7
            c.Edited("bob", 3, "hi alice!"),           // 8
            c.Sent("carol", "secret plan"),            // 9
            c.Deleted("carol", 9),                     // 10
            c.Removed("alice", "bob"),                 // 11
            c.Sent("alice", "bob is gone"),            // 12
            c.Rejected("dave"),                        // carries seq 12, no position
        ];
    }

    public static ReceiptUpdate Receipt(string conversationId, string userId, long delivered, long read) => new()
    {
        ConversationId = conversationId, UserId = userId, DeliveredSeq = delivered, ReadSeq = read, At = Start,
    };

    private ChatEvent Next(string by, object payload) => Make(++_seq, by, payload);

    private ChatEvent Make(long seq, string by, object payload) => new()
    {
        ConversationId = conversationId, Seq = seq, EventId = $"{conversationId}-e{seq}-{Guid.NewGuid():N}", CommandId = $"cmd-{Guid.NewGuid():N}",
        UserId = by, DeviceId = by + "-phone", OccurredAt = Start.AddSeconds(seq), Payload = payload,
    };
}
