using ChatStreams.Streams.Serialization;

namespace ChatStreams.Streams.State;

/// <summary>Builds typed key-value stores over a bytes-store supplier (Kafka Streams' KeyValueStoreBuilder).</summary>
public sealed class KeyValueStoreBuilder<TKey, TValue>(IKeyValueBytesStoreSupplier supplier, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    : StoreBuilder<IKeyValueStore<TKey, TValue>>(supplier.Name)
{
    public override IKeyValueStore<TKey, TValue> Build() => new KeyValueStore<TKey, TValue>(supplier.Get(), keySerde, valueSerde, LoggingEnabled);
}
