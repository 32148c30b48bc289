namespace ChatStreams.Streams.State;

/// <summary>Read access to a key-value store (also what interactive queries and GetKeyValueStore return).</summary>
public interface IReadOnlyKeyValueStore<TKey, TValue>
{
    /// <summary>The value, or default when absent.</summary>
    TValue? Get(TKey key);

    bool TryGet(TKey key, out TValue value);

    /// <summary>Entries with from &lt;= key &lt;= to in the store's key order (serialized bytes order).</summary>
    IEnumerable<KeyValuePair<TKey, TValue>> Range(TKey from, TKey to);

    /// <summary>Entries whose serialized key starts with the serialized prefix.</summary>
    IEnumerable<KeyValuePair<TKey, TValue>> PrefixScan(TKey prefix);

    IEnumerable<KeyValuePair<TKey, TValue>> All();

    long ApproximateNumEntries { get; }
}

/// <summary>A key-value state store (Kafka Streams' KeyValueStore): every write goes to the changelog when logging is on.</summary>
public interface IKeyValueStore<TKey, TValue> : IReadOnlyKeyValueStore<TKey, TValue>, IStateStore
{
    void Put(TKey key, TValue value);

    /// <summary>Puts only when absent; returns the existing value or default.</summary>
    TValue? PutIfAbsent(TKey key, TValue value);

    /// <summary>Removes the key; returns the old value or default.</summary>
    TValue? Delete(TKey key);
}

/// <summary>
/// A key-value store whose entries expire: used for dedup windows (client message ids for 24 h) and presence.
/// Expiry follows the time given on write plus the store's retention; <see cref="PurgeExpired"/> removes
/// expired entries (writing tombstones to the changelog) and reads never return them.
/// </summary>
public interface ITtlKeyValueStore<TKey, TValue> : IStateStore
{
    TimeSpan Retention { get; }

    /// <summary>Stores the value as written at <paramref name="timestampMs"/>; it expires at timestamp + retention.</summary>
    void Put(TKey key, TValue value, long timestampMs);

    /// <summary>The value if present and not expired at <paramref name="nowMs"/>.</summary>
    bool TryGet(TKey key, long nowMs, out TValue value);

    TValue? Delete(TKey key);

    /// <summary>Removes every entry expired at <paramref name="nowMs"/>; returns how many.</summary>
    int PurgeExpired(long nowMs);

    IEnumerable<(TKey Key, TValue Value, long TimestampMs)> All();
}
