using chatstreams.v1;

namespace ChatStreams.Edge.History;

/// <summary>
/// One conversation as folded from chat.events: its events by seq, who is a member, and for every member the seq
/// ranges they may read (from joining to leaving, both included: a removed member sees their own removal).
/// Guarded by the owning <see cref="EventLogHistory"/>'s lock.
/// </summary>
internal sealed class ConversationState(string id)
{
    public string Id { get; } = id;
    public ConversationKind Kind { get; set; } = ConversationKind.Group;
    public string? Title { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime LastActivity { get; set; }
    public long LastSeq => Events.Count;
    /// <summary>Events in seq order: Events[i].Seq == i + 1.</summary>
    public List<ChatEvent> Events { get; } = [];
    public Dictionary<string, MemberRole> Members { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<SeqRange>> Visible { get; } = new(StringComparer.Ordinal);
    /// <summary>Current state of each message (by its seq): edits, deletion, reactions.</summary>
    public Dictionary<long, MessageState> Messages { get; } = [];
    /// <summary>Receipt marks per member (from chat.receipts).</summary>
    public Dictionary<string, (long Delivered, long Read)> Receipts { get; } = new(StringComparer.Ordinal);

    public bool CanRead(string userId, long seq) =>
        Visible.TryGetValue(userId, out var ranges) && ranges.Any(r => r.Contains(seq));

    public void Join(string userId, MemberRole role, long seq)
    {
        Members[userId] = role;
        if (!Visible.TryGetValue(userId, out var ranges)) Visible[userId] = ranges = [];
        if (ranges.Count == 0 || ranges[^1].To != long.MaxValue) ranges.Add(new SeqRange(seq, long.MaxValue));
    }

    public void Leave(string userId, long seq)
    {
        Members.Remove(userId);
        if (Visible.TryGetValue(userId, out var ranges) && ranges.Count > 0 && ranges[^1].To == long.MaxValue)
            ranges[^1] = ranges[^1] with { To = seq };
    }
}

internal readonly record struct SeqRange(long From, long To)
{
    public bool Contains(long seq) => seq >= From && seq <= To;
}

/// <summary>A message as it reads now.</summary>
internal sealed class MessageState(string body)
{
    public string Body { get; set; } = body;
    public bool Edited { get; set; }
    public bool Deleted { get; set; }
    public SortedDictionary<string, SortedSet<string>> Reactions { get; } = new(StringComparer.Ordinal);
}
