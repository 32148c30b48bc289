using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Testing;

/// <summary>
/// One key-value store spread over the tasks of a multi-partition driver, seen as one: reads look in every
/// partition (ranges and scans list partition 0's entries first, then partition 1's, …); writes go to the partition
/// that already holds the key. A key held nowhere has no known partition here: write it through
/// TopologyTestDriver.GetKeyValueStore(name, partition).
/// </summary>
internal sealed class PartitionedKeyValueStoreView<TKey, TValue>(string name, IReadOnlyList<IKeyValueStore<TKey, TValue>> partitions) : IKeyValueStore<TKey, TValue>
{
    public string Name => name;
    public bool Persistent => partitions[0].Persistent;
    public long ApproximateNumEntries => partitions.Sum(p => p.ApproximateNumEntries);

    public void Init(IStateStoreContext context) => throw new InvalidOperationException("the TopologyTestDriver opens and closes its stores itself");

    public void Flush()
    {
        foreach (var p in partitions) p.Flush();
    }

    public void Close() => throw new InvalidOperationException("the TopologyTestDriver opens and closes its stores itself");

    public TValue? Get(TKey key) => TryGet(key, out var value) ? value : default;

    public bool TryGet(TKey key, out TValue value)
    {
        foreach (var p in partitions)
            if (p.TryGet(key, out value)) return true;
        value = default!;
        return false;
    }

    public IEnumerable<KeyValuePair<TKey, TValue>> Range(TKey from, TKey to) => partitions.SelectMany(p => p.Range(from, to));

    public IEnumerable<KeyValuePair<TKey, TValue>> PrefixScan(TKey prefix) => partitions.SelectMany(p => p.PrefixScan(prefix));

    public IEnumerable<KeyValuePair<TKey, TValue>> All() => partitions.SelectMany(p => p.All());

    public void Put(TKey key, TValue value) => Holder(key).Put(key, value);

    public TValue? PutIfAbsent(TKey key, TValue value) => TryGet(key, out var existing) ? existing : Holder(key).PutIfAbsent(key, value);

    public TValue? Delete(TKey key)
    {
        foreach (var p in partitions)
            if (p.TryGet(key, out _)) return p.Delete(key);
        return default;
    }

    private IKeyValueStore<TKey, TValue> Holder(TKey key) =>
        partitions.FirstOrDefault(p => p.TryGet(key, out _))
        ?? throw new InvalidOperationException(
            $"state store '{name}' has {partitions.Count} partitions and none holds key '{key}': write new keys with GetKeyValueStore(\"{name}\", partition)");
}
