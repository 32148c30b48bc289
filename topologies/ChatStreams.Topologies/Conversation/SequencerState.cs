using chatstreams.v1;

namespace ChatStreams.Topologies.Conversation;

/// <summary>
/// What the sequencer knows of a conversation (store <c>conversations</c>, key: conversation id). Kept small: it is
/// rewritten on every message, so members live in their own store.
/// </summary>
public sealed class ConversationHead
{
    public ConversationKind Kind { get; set; }
    public string? Title { get; set; }

    /// <summary>End-to-end encrypted (fixed at creation): messages must carry ciphertext and no body.</summary>
    public bool Encrypted { get; set; }

    /// <summary>The last seq assigned; the next event gets LastSeq + 1.</summary>
    public long LastSeq { get; set; }

    public int MemberCount { get; set; }

    /// <summary>Lowest readSeq among the members, and how many members are at it ("read by all" up to ReadMin).</summary>
    public long ReadMin { get; set; }
    public int ReadMinCount { get; set; }

    /// <summary>Lowest deliveredSeq among the members, and how many members are at it.</summary>
    public long DeliveredMin { get; set; }
    public int DeliveredMinCount { get; set; }
}

/// <summary>A member of a conversation (store <c>members</c>, key: conversation \0 user).</summary>
public sealed record MemberEntry(MemberRole Role, long JoinedSeq);

/// <summary>
/// Author of one of the conversation's recent messages (store <c>messages</c>, key: conversation \0 seq), so edits,
/// deletes and reactions can be checked and receipts can name the senders they cover.
/// </summary>
public sealed record MessageAuthor(string SenderId, bool Deleted = false);

/// <summary>The first acceptance of a client message id (TTL store <c>dedup</c>, key: conversation \0 user \0 client id).</summary>
public sealed record DedupEntry(long Seq, string EventId, string CommandId);

/// <summary>A member's receipt high-water marks (store <c>receipts</c>, key: conversation \0 user).</summary>
public sealed record ReceiptMarks(long DeliveredSeq, long ReadSeq);
