namespace ChatStreams.Streams.State;

/// <summary>
/// The storage engine under a typed store: raw key and value bytes in byte order of the keys, no serdes, no
/// changelog (Kafka Streams' KeyValueStore&lt;Bytes, byte[]&gt;). Used by one task thread only.
/// </summary>
public interface IKeyValueBytesStore : IStateStore
{
    byte[]? Get(byte[] key);

    void Put(byte[] key, byte[] value);

    /// <summary>Removes the key; returns the old value or null when it was absent.</summary>
    byte[]? Delete(byte[] key);

    /// <summary>Applies many writes at once (null value = delete); RocksDB writes them as one batch.</summary>
    void Write(IEnumerable<(byte[] Key, byte[]? Value)> batch);

    /// <summary>
    /// Entries in the range, in key order. Enumeration reads in chunks and resumes after the last key it returned,
    /// so the store may be modified while enumerating (later chunks see the changes).
    /// </summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> Scan(KeyRange range);

    long ApproximateNumEntries { get; }
}

/// <summary>Makes a new bytes store per task (Kafka Streams' KeyValueBytesStoreSupplier).</summary>
public interface IKeyValueBytesStoreSupplier
{
    /// <summary>The store name: changelog topic "&lt;application id&gt;-&lt;name&gt;-changelog" and RocksDB directory name.</summary>
    string Name { get; }

    bool Persistent { get; }

    IKeyValueBytesStore Get();
}
