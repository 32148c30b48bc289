namespace ChatStreams.Streams.State;

/// <summary>
/// Bytes store in memory: a hash map for point reads and writes (the hot path of a processor: get, then put) and a
/// sorted set of the keys in byte order for ranges. Not persistent: after a restart it is rebuilt from its
/// changelog. Keys and values are copied on write so a caller reusing its buffers cannot corrupt the store.
/// </summary>
internal sealed class InMemoryKeyValueBytesStore(string name) : IKeyValueBytesStore
{
    private readonly Dictionary<byte[], byte[]> _values = new(ByteKeyEquality.Instance);
    private readonly SortedSet<byte[]> _keys = new(ByteKeyComparer.Instance);
    private bool _open;

    public string Name { get; } = name;
    public bool Persistent => false;
    public long ApproximateNumEntries => _values.Count;

    public void Init(IStateStoreContext context) => _open = true;

    public void Flush() => EnsureOpen();

    public void Close()
    {
        _open = false;
        _values.Clear();
        _keys.Clear();
    }

    public byte[]? Get(byte[] key)
    {
        EnsureOpen();
        return _values.GetValueOrDefault(key);
    }

    public void Put(byte[] key, byte[] value)
    {
        EnsureOpen();
        PutCopy(key, value);
    }

    public byte[]? Delete(byte[] key)
    {
        EnsureOpen();
        return DeleteKey(key);
    }

    public void Write(IEnumerable<(byte[] Key, byte[]? Value)> batch)
    {
        EnsureOpen();
        foreach (var (key, value) in batch)
        {
            if (value is null) DeleteKey(key);
            else PutCopy(key, value);
        }
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(KeyRange range) => ChunkedScan.Scan(range, ReadChunk, EnsureOpen);

    private void PutCopy(byte[] key, byte[] value)
    {
        var copy = (byte[])value.Clone();
        // An existing key keeps its stored key array; only a new key enters the sorted set.
        if (_values.ContainsKey(key))
        {
            _values[key] = copy;
            return;
        }
        var ownKey = (byte[])key.Clone();
        _values.Add(ownKey, copy);
        _keys.Add(ownKey);
    }

    private byte[]? DeleteKey(byte[] key)
    {
        if (!_values.Remove(key, out var old)) return null;
        _keys.Remove(key);
        return old;
    }

    private void ReadChunk(byte[]? from, bool fromInclusive, KeyRange range, int max, List<KeyValuePair<byte[], byte[]>> into)
    {
        if (_keys.Count == 0) return;
        var lower = from ?? _keys.Min!;
        // GetViewBetween rejects lower > upper; nothing can follow a lower bound past the last key anyway.
        if (ByteKeyComparer.Instance.Compare(lower, _keys.Max) > 0) return;
        foreach (var key in _keys.GetViewBetween(lower, _keys.Max!))
        {
            if (!fromInclusive && from is not null && ByteKeyComparer.Instance.Compare(key, from) == 0) continue;
            if (!range.BelowUpperBound(key)) return;
            into.Add(new KeyValuePair<byte[], byte[]>(key, _values[key]));
            if (into.Count == max) return;
        }
    }

    private void EnsureOpen()
    {
        if (!_open) throw new InvalidStateStoreException($"state store '{Name}' is not open (not initialized yet, or already closed)");
    }
}
