using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Testing;

/// <summary>A TTL store spread over the tasks of a multi-partition driver, seen as one (rules as in <see cref="PartitionedKeyValueStoreView{TKey,TValue}"/>).</summary>
internal sealed class PartitionedTtlKeyValueStoreView<TKey, TValue>(string name, IReadOnlyList<ITtlKeyValueStore<TKey, TValue>> partitions) : ITtlKeyValueStore<TKey, TValue>
{
    public string Name => name;
    public bool Persistent => partitions[0].Persistent;
    public TimeSpan Retention => partitions[0].Retention;

    public void Init(IStateStoreContext context) => throw new InvalidOperationException("the TopologyTestDriver opens and closes its stores itself");

    public void Flush()
    {
        foreach (var p in partitions) p.Flush();
    }

    public void Close() => throw new InvalidOperationException("the TopologyTestDriver opens and closes its stores itself");

    public bool TryGet(TKey key, long nowMs, out TValue value)
    {
        foreach (var p in partitions)
            if (p.TryGet(key, nowMs, out value)) return true;
        value = default!;
        return false;
    }

    public void Put(TKey key, TValue value, long timestampMs)
    {
        var holder = Holder(key)
                     ?? throw new InvalidOperationException(
                         $"state store '{name}' has {partitions.Count} partitions and none holds key '{key}': write new keys with GetTtlKeyValueStore(\"{name}\", partition)");
        holder.Put(key, value, timestampMs);
    }

    public TValue? Delete(TKey key)
    {
        foreach (var p in partitions)
            if (Holds(p, key)) return p.Delete(key);
        return default;
    }

    // The partition listing the key owns it (keys are compared with their default equality).
    private static bool Holds(ITtlKeyValueStore<TKey, TValue> partition, TKey key) =>
        partition.All().Any(e => EqualityComparer<TKey>.Default.Equals(e.Key, key));

    private ITtlKeyValueStore<TKey, TValue>? Holder(TKey key) => partitions.FirstOrDefault(p => Holds(p, key));

    public int PurgeExpired(long nowMs) => partitions.Sum(p => p.PurgeExpired(nowMs));

    public IEnumerable<(TKey Key, TValue Value, long TimestampMs)> All() => partitions.SelectMany(p => p.All());
}
