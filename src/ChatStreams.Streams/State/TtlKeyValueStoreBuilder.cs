using ChatStreams.Streams.Serialization;

namespace ChatStreams.Streams.State;

/// <summary>Builds TTL key-value stores (dedup windows, presence), in memory or on RocksDB.</summary>
public sealed class TtlKeyValueStoreBuilder<TKey, TValue> : StoreBuilder<ITtlKeyValueStore<TKey, TValue>>
{
    private readonly IKeyValueBytesStoreSupplier _supplier;
    private readonly ISerde<TKey> _keySerde;
    private readonly ISerde<TValue> _valueSerde;

    public TtlKeyValueStoreBuilder(IKeyValueBytesStoreSupplier supplier, TimeSpan retention, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
        : base(supplier.Name)
    {
        if (retention <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(retention), retention, $"retention of TTL store '{supplier.Name}' must be positive");
        _supplier = supplier;
        Retention = retention;
        _keySerde = keySerde;
        _valueSerde = valueSerde;
    }

    public TimeSpan Retention { get; }

    public override ITtlKeyValueStore<TKey, TValue> Build() => new TtlKeyValueStore<TKey, TValue>(_supplier.Get(), Retention, _keySerde, _valueSerde, LoggingEnabled);
}
