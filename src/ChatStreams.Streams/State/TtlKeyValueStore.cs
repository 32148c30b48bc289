using ChatStreams.Streams.Serialization;

namespace ChatStreams.Streams.State;

/// <summary>
/// Key-value store whose entries expire <see cref="Retention"/> after the timestamp they were written with.
/// Reads with a time never return expired entries; <see cref="PurgeExpired"/> removes them and logs tombstones.
/// <see cref="All"/> returns every entry not purged yet, with its timestamp, so callers can judge expiry themselves.
/// The expiry index is maintained lazily: an overwrite leaves the old index entry behind, and the purge checks each
/// index entry against the entry's current timestamp before deleting anything (so no read is needed on write).
/// </summary>
internal sealed class TtlKeyValueStore<TKey, TValue> : ITtlKeyValueStore<TKey, TValue>, IRestorableStore
{
    private readonly IKeyValueBytesStore _inner;
    private readonly StoreSerdes<TKey, TValue> _serdes;
    private readonly StoreChangelog _changelog;
    private readonly long _retentionMs;

    public TtlKeyValueStore(IKeyValueBytesStore inner, TimeSpan retention, ISerde<TKey> keySerde, ISerde<TValue> valueSerde, bool loggingEnabled)
    {
        if (retention <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(retention), retention, $"retention of TTL store '{inner.Name}' must be positive");
        _inner = inner;
        Retention = retention;
        _retentionMs = (long)retention.TotalMilliseconds;
        _serdes = new StoreSerdes<TKey, TValue>(inner.Name, keySerde, valueSerde);
        _changelog = new StoreChangelog(loggingEnabled);
    }

    public string Name => _inner.Name;
    public bool Persistent => _inner.Persistent;
    public TimeSpan Retention { get; }

    public void Init(IStateStoreContext context)
    {
        _inner.Init(context);
        _changelog.Bind(context);
        _serdes.Bind(_changelog.Topic ?? Name);
    }

    public void Flush() => _inner.Flush();

    public void Close() => _inner.Close();

    public void Put(TKey key, TValue value, long timestampMs)
    {
        var keyBytes = _serdes.Key(key);
        var valueBytes = _serdes.Value(value);
        if (valueBytes is null)
        {
            DeleteBytes(keyBytes);
            return;
        }
        var stored = TtlLayout.StoredValue(timestampMs, valueBytes);
        _inner.Write([(TtlLayout.DataKey(keyBytes), stored), (TtlLayout.IndexKey(timestampMs, keyBytes), [])]);
        _changelog.Log(keyBytes, stored);
    }

    public bool TryGet(TKey key, long nowMs, out TValue value)
    {
        var stored = _inner.Get(TtlLayout.DataKey(_serdes.Key(key)));
        if (stored is null || Expired(TtlLayout.TimestampOf(stored), nowMs))
        {
            value = default!;
            return false;
        }
        value = _serdes.ValueFrom(TtlLayout.PayloadOf(stored));
        return true;
    }

    public TValue? Delete(TKey key)
    {
        var old = DeleteBytes(_serdes.Key(key));
        return old is null ? default : _serdes.ValueFrom(TtlLayout.PayloadOf(old));
    }

    public int PurgeExpired(long nowMs)
    {
        var purged = 0;
        foreach (var (indexKey, _) in _inner.Scan(KeyRange.Prefix(TtlLayout.IndexPrefix)))
        {
            var (timestamp, keyBytes) = TtlLayout.ParseIndexKey(indexKey);
            if (!Expired(timestamp, nowMs)) break; // the index is in timestamp order: the rest is younger
            _inner.Delete(indexKey);
            var dataKey = TtlLayout.DataKey(keyBytes);
            var stored = _inner.Get(dataKey);
            // A stale index entry (the key was rewritten or deleted since) must not remove the current entry.
            if (stored is null || TtlLayout.TimestampOf(stored) != timestamp) continue;
            _inner.Delete(dataKey);
            _changelog.Log(keyBytes, null);
            purged++;
        }
        return purged;
    }

    public IEnumerable<(TKey Key, TValue Value, long TimestampMs)> All()
    {
        foreach (var (dataKey, stored) in _inner.Scan(KeyRange.Prefix(TtlLayout.DataPrefix)))
            yield return (_serdes.KeyFrom(TtlLayout.KeyOfData(dataKey)), _serdes.ValueFrom(TtlLayout.PayloadOf(stored)), TtlLayout.TimestampOf(stored));
    }

    /// <summary>Changelog values carry the write timestamp, so each restored entry gets its expiry index back.</summary>
    public void Restore(IEnumerable<(byte[] Key, byte[]? Value, long Timestamp)> batch) => _inner.Write(batch.SelectMany(Restored));

    private IEnumerable<(byte[] Key, byte[]? Value)> Restored((byte[] Key, byte[]? Value, long Timestamp) record)
    {
        var dataKey = TtlLayout.DataKey(record.Key);
        if (record.Value is null)
        {
            yield return (dataKey, null);
            yield break;
        }
        if (record.Value.Length < TtlLayout.TimestampBytes)
            throw new ProcessorStateException(
                $"changelog record of TTL store '{Name}' has a {record.Value.Length}-byte value; it must start with an 8-byte timestamp. " +
                "The changelog topic was written by something else than this store (or by an older layout): delete it and let the store rebuild.");
        yield return (dataKey, record.Value);
        yield return (TtlLayout.IndexKey(TtlLayout.TimestampOf(record.Value), record.Key), []);
    }

    private byte[]? DeleteBytes(byte[] keyBytes)
    {
        var old = _inner.Delete(TtlLayout.DataKey(keyBytes));
        if (old is null) return null;
        _inner.Delete(TtlLayout.IndexKey(TtlLayout.TimestampOf(old), keyBytes));
        _changelog.Log(keyBytes, null);
        return old;
    }

    /// <summary>An entry written at <paramref name="timestamp"/> is gone from timestamp + retention on.</summary>
    private bool Expired(long timestamp, long nowMs) => (Int128)nowMs - timestamp >= _retentionMs; // Int128: no overflow at extreme timestamps
}
