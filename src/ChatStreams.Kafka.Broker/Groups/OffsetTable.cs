namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>
/// The in-memory view of <c>__consumer_offsets</c>: committed offsets per group, and transactional offsets held
/// per producer until their transaction ends. Every entry remembers the log offset of its record: a value only
/// replaces one written earlier in the log, so the view after live updates (which may finish out of order when
/// flushes overlap) equals the view a replay of the log builds.
/// </summary>
internal sealed class OffsetTable
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Dictionary<TopicPartition, Entry>> _committed = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Dictionary<(string Group, TopicPartition Partition), Entry>> _pending = new();

    private readonly record struct Entry(CommittedOffset Value, long LogOffset);

    /// <summary>Applies a committed value (null = tombstone) written at <paramref name="logOffset"/>.</summary>
    public void Commit(string groupId, TopicPartition tp, CommittedOffset? value, long logOffset)
    {
        lock (_lock) CommitLocked(groupId, tp, value, logOffset);
    }

    private void CommitLocked(string groupId, TopicPartition tp, CommittedOffset? value, long logOffset)
    {
        _committed.TryGetValue(groupId, out var offsets);
        if (offsets is not null && offsets.TryGetValue(tp, out var existing) && existing.LogOffset > logOffset) return;
        if (value is null)
        {
            if (offsets is null) return;
            offsets.Remove(tp);
            if (offsets.Count == 0) _committed.Remove(groupId);
            return;
        }
        if (offsets is null) _committed[groupId] = offsets = new Dictionary<TopicPartition, Entry>();
        offsets[tp] = new Entry(value, logOffset);
    }

    /// <summary>A transactional offset: invisible to fetches until <see cref="CompleteTransaction"/>.</summary>
    public void AddPending(long producerId, string groupId, TopicPartition tp, CommittedOffset value, long logOffset)
    {
        lock (_lock)
        {
            if (!_pending.TryGetValue(producerId, out var offsets)) _pending[producerId] = offsets = new();
            if (offsets.TryGetValue((groupId, tp), out var existing) && existing.LogOffset > logOffset) return;
            offsets[(groupId, tp)] = new Entry(value, logOffset);
        }
    }

    /// <summary>The producer's transaction ended: its pending offsets become committed, or are dropped.</summary>
    public void CompleteTransaction(long producerId, bool commit)
    {
        lock (_lock)
        {
            if (!_pending.Remove(producerId, out var offsets) || !commit) return;
            foreach (var ((groupId, tp), entry) in offsets) CommitLocked(groupId, tp, entry.Value, entry.LogOffset);
        }
    }

    public CommittedOffset? Find(string groupId, TopicPartition tp)
    {
        lock (_lock)
            return _committed.TryGetValue(groupId, out var offsets) && offsets.TryGetValue(tp, out var entry) ? entry.Value : null;
    }

    /// <summary>Whether an open transaction holds an offset for the partition (OffsetFetch RequireStable waits for it).</summary>
    public bool IsPending(string groupId, TopicPartition tp)
    {
        lock (_lock)
            return _pending.Values.Any(offsets => offsets.ContainsKey((groupId, tp)));
    }

    public List<(TopicPartition Partition, CommittedOffset Offset)> All(string groupId)
    {
        lock (_lock)
        {
            if (!_committed.TryGetValue(groupId, out var offsets)) return [];
            return offsets.OrderBy(o => o.Key.Topic, StringComparer.Ordinal).ThenBy(o => o.Key.Partition)
                .Select(o => (o.Key, o.Value.Value)).ToList();
        }
    }

    /// <summary>Partitions with a pending offset for the group (an all-topics fetch must report them too).</summary>
    public List<TopicPartition> PendingPartitions(string groupId)
    {
        lock (_lock)
            return _pending.Values.SelectMany(o => o.Keys).Where(k => k.Group == groupId).Select(k => k.Partition).Distinct().ToList();
    }

    public IReadOnlyCollection<string> Groups
    {
        get { lock (_lock) return _committed.Keys.ToArray(); }
    }

    public bool HasPendingFor(long producerId)
    {
        lock (_lock) return _pending.ContainsKey(producerId);
    }
}
