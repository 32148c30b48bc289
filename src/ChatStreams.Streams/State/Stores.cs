using ChatStreams.Streams.Serialization;

namespace ChatStreams.Streams.State;

/// <summary>
/// Factory of state stores, as Kafka Streams' Stores:
/// <code>
/// topology.AddStateStore(
///     Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore("counts"), Serdes.String, Serdes.Long), "counter");
/// </code>
/// </summary>
public static class Stores
{
    /// <summary>A store kept in memory; rebuilt from its changelog whenever its task starts.</summary>
    public static IKeyValueBytesStoreSupplier InMemoryKeyValueStore(string name)
    {
        StoreNames.Validate(name);
        return new KeyValueBytesStoreSupplier(name, persistent: false);
    }

    /// <summary>A RocksDB store under &lt;task state directory&gt;/rocksdb/&lt;name&gt; (see <see cref="RocksDbStoreDirectory"/>).</summary>
    public static IKeyValueBytesStoreSupplier PersistentKeyValueStore(string name)
    {
        StoreNames.Validate(name);
        return new KeyValueBytesStoreSupplier(name, persistent: true);
    }

    public static KeyValueStoreBuilder<TKey, TValue> KeyValueStoreBuilder<TKey, TValue>(
        IKeyValueBytesStoreSupplier supplier, ISerde<TKey> keySerde, ISerde<TValue> valueSerde) =>
        new(supplier, keySerde, valueSerde);

    /// <summary>A store whose entries expire <paramref name="retention"/> after their write timestamp (dedup windows, presence).</summary>
    public static TtlKeyValueStoreBuilder<TKey, TValue> TtlKeyValueStoreBuilder<TKey, TValue>(
        string name, TimeSpan retention, ISerde<TKey> keySerde, ISerde<TValue> valueSerde, bool persistent) =>
        new(persistent ? PersistentKeyValueStore(name) : InMemoryKeyValueStore(name), retention, keySerde, valueSerde);
}
