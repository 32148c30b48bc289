using ChatStreams.Streams.Serialization;

namespace ChatStreams.Streams.State;

/// <summary>
/// The typed key-value store processors use: serializes with the builder's serdes, stores bytes in the inner
/// store (in memory or RocksDB) and logs every change to the changelog. A Put is always logged (a write, even of an
/// equal value, stays cheap: no read first); a Delete or PutIfAbsent only when it changed something. A value the
/// serde turns into null deletes the key, as in Kafka Streams.
/// </summary>
internal sealed class KeyValueStore<TKey, TValue> : IKeyValueStore<TKey, TValue>, IRestorableStore
{
    private readonly IKeyValueBytesStore _inner;
    private readonly StoreSerdes<TKey, TValue> _serdes;
    private readonly StoreChangelog _changelog;

    public KeyValueStore(IKeyValueBytesStore inner, ISerde<TKey> keySerde, ISerde<TValue> valueSerde, bool loggingEnabled)
    {
        _inner = inner;
        _serdes = new StoreSerdes<TKey, TValue>(inner.Name, keySerde, valueSerde);
        _changelog = new StoreChangelog(loggingEnabled);
    }

    public string Name => _inner.Name;
    public bool Persistent => _inner.Persistent;
    public long ApproximateNumEntries => _inner.ApproximateNumEntries;

    public void Init(IStateStoreContext context)
    {
        _inner.Init(context);
        _changelog.Bind(context);
        _serdes.Bind(_changelog.Topic ?? Name);
    }

    public void Flush() => _inner.Flush();

    public void Close() => _inner.Close();

    public TValue? Get(TKey key) => TryGet(key, out var value) ? value : default;

    public bool TryGet(TKey key, out TValue value)
    {
        var bytes = _inner.Get(_serdes.Key(key));
        if (bytes is null)
        {
            value = default!;
            return false;
        }
        value = _serdes.ValueFrom(bytes);
        return true;
    }

    public void Put(TKey key, TValue value)
    {
        var keyBytes = _serdes.Key(key);
        var valueBytes = _serdes.Value(value);
        if (valueBytes is null)
        {
            DeleteBytes(keyBytes);
            return;
        }
        _inner.Put(keyBytes, valueBytes);
        _changelog.Log(keyBytes, valueBytes);
    }

    public TValue? PutIfAbsent(TKey key, TValue value)
    {
        var keyBytes = _serdes.Key(key);
        var existing = _inner.Get(keyBytes);
        if (existing is not null) return _serdes.ValueFrom(existing);
        var valueBytes = _serdes.Value(value);
        if (valueBytes is null) return default;
        _inner.Put(keyBytes, valueBytes);
        _changelog.Log(keyBytes, valueBytes);
        return default;
    }

    public TValue? Delete(TKey key)
    {
        var old = DeleteBytes(_serdes.Key(key));
        return old is null ? default : _serdes.ValueFrom(old);
    }

    public IEnumerable<KeyValuePair<TKey, TValue>> Range(TKey from, TKey to) =>
        Typed(_inner.Scan(KeyRange.Between(_serdes.Key(from), _serdes.Key(to))));

    public IEnumerable<KeyValuePair<TKey, TValue>> PrefixScan(TKey prefix) => Typed(_inner.Scan(KeyRange.Prefix(_serdes.Key(prefix))));

    public IEnumerable<KeyValuePair<TKey, TValue>> All() => Typed(_inner.Scan(KeyRange.All));

    /// <summary>Changelog records go straight to the inner store: restoring must not log them again.</summary>
    public void Restore(IEnumerable<(byte[] Key, byte[]? Value, long Timestamp)> batch) =>
        _inner.Write(batch.Select(r => (r.Key, r.Value)));

    private byte[]? DeleteBytes(byte[] keyBytes)
    {
        var old = _inner.Delete(keyBytes);
        if (old is not null) _changelog.Log(keyBytes, null);
        return old;
    }

    private IEnumerable<KeyValuePair<TKey, TValue>> Typed(IEnumerable<KeyValuePair<byte[], byte[]>> entries)
    {
        foreach (var (key, value) in entries)
            yield return new KeyValuePair<TKey, TValue>(_serdes.KeyFrom(key), _serdes.ValueFrom(value));
    }
}
