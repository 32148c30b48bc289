namespace ChatStreams.Streams.State;

/// <summary>Supplies in-memory or RocksDB bytes stores under one name (see <see cref="Stores"/>).</summary>
internal sealed class KeyValueBytesStoreSupplier(string name, bool persistent) : IKeyValueBytesStoreSupplier
{
    public string Name { get; } = name;
    public bool Persistent { get; } = persistent;

    public IKeyValueBytesStore Get() => Persistent ? new RocksDbKeyValueBytesStore(Name) : new InMemoryKeyValueBytesStore(Name);
}
