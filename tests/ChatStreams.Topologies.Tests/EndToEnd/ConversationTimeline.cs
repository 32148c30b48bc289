namespace ChatStreams.Topologies.Tests.EndToEnd;

/// <summary>What a positioned conversation event is, as far as delivery is concerned.</summary>
public enum TimelineKind
{
    Created,
    MemberAdded,
    MemberRemoved,
    MessageSent,
}

/// <summary>
/// One positioned event of a conversation: its seq, what it is, who caused it and what it names (the sorted member
/// list of a creation, the member of a membership change, the client message id of a message).
/// </summary>
public sealed record TimelineEntry(long Seq, TimelineKind Kind, string Actor, string Subject);

/// <summary>
/// A conversation's positioned events in seq order and the membership folded from them, the same way whether the
/// events were planned by the test or read back from chat.events, so the two can be compared and deliveries can be
/// checked against it. Membership follows the contract: a member sees the event that made them one (creation or
/// MemberAdded) and everything after it; a removed member sees their MemberRemoved and nothing after it.
/// </summary>
public sealed class ConversationTimeline(string conversationId)
{
    private readonly List<TimelineEntry> _entries = [];
    private readonly Dictionary<string, List<MemberSpan>> _spans = new(StringComparer.Ordinal);

    public string ConversationId { get; } = conversationId;

    public IReadOnlyList<TimelineEntry> Entries => _entries;

    public long LastSeq => _entries.Count == 0 ? 0 : _entries[^1].Seq;

    /// <summary>Everyone who was a member at some point.</summary>
    public IEnumerable<string> EverMembers => _spans.Keys;

    /// <summary>The members now (after the last event).</summary>
    public IReadOnlyList<string> CurrentMembers => _spans.Where(s => s.Value[^1].To is null).Select(s => s.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>Appends the next event; a creation names its members.</summary>
    public void Append(TimelineEntry entry, IEnumerable<string>? createdMembers = null)
    {
        _entries.Add(entry);
        switch (entry.Kind)
        {
            case TimelineKind.Created:
                foreach (var member in createdMembers ?? []) Join(member, entry.Seq);
                break;
            case TimelineKind.MemberAdded:
                Join(entry.Subject, entry.Seq);
                break;
            case TimelineKind.MemberRemoved:
                if (_spans.TryGetValue(entry.Subject, out var spans) && spans[^1].To is null) spans[^1] = spans[^1] with { To = entry.Seq };
                break;
        }
    }

    public bool IsMember(string userId) => _spans.TryGetValue(userId, out var spans) && spans[^1].To is null;

    public bool IsMemberAt(string userId, long seq) =>
        _spans.TryGetValue(userId, out var spans) && spans.Any(s => s.From <= seq && seq <= (s.To ?? LastSeq));

    /// <summary>The seqs a user must receive, ascending: every event from each join to the matching removal (or the end).</summary>
    public IReadOnlyList<long> SeqsVisibleTo(string userId) =>
        _spans.TryGetValue(userId, out var spans)
            ? spans.SelectMany(s => Range(s.From, s.To ?? LastSeq)).ToList()
            : [];

    /// <summary>Human-readable membership ranges, for failure messages.</summary>
    public string DescribeMembership(string userId) =>
        _spans.TryGetValue(userId, out var spans) ? string.Join(", ", spans.Select(s => $"{s.From}..{s.To?.ToString() ?? $"end ({LastSeq})"}")) : "never a member";

    private void Join(string userId, long seq)
    {
        if (!_spans.TryGetValue(userId, out var spans)) _spans[userId] = spans = [];
        if (spans.Count == 0 || spans[^1].To is not null) spans.Add(new MemberSpan(seq, null));
    }

    private static IEnumerable<long> Range(long from, long to)
    {
        for (var seq = from; seq <= to; seq++) yield return seq;
    }

    private sealed record MemberSpan(long From, long? To);
}
