namespace ChatStreams.Streams.State;

/// <summary>
/// Where a persistent store keeps its files: &lt;task state directory&gt;/rocksdb/&lt;store name&gt;, as Kafka Streams.
/// The runtime wipes a store's directory before opening it unless it knows the local files match the changelog
/// (clean shutdown): after a crash they may hold writes of an aborted transaction, and compaction may have removed
/// the tombstones that would undo them, so replaying the changelog on top is not enough.
/// </summary>
public static class RocksDbStoreDirectory
{
    public const string Folder = "rocksdb";

    /// <param name="stateDirectory">The task's directory (<see cref="IStateStoreContext.StateDirectory"/>).</param>
    public static string PathOf(string stateDirectory, string storeName) => Path.Combine(stateDirectory, Folder, storeName);

    /// <summary>Deletes the store's local files (no-op when absent). The store must be closed.</summary>
    public static void Wipe(string stateDirectory, string storeName)
    {
        var path = PathOf(stateDirectory, storeName);
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }

    /// <summary>True when the store has local files to reopen.</summary>
    public static bool Exists(string stateDirectory, string storeName) => Directory.Exists(PathOf(stateDirectory, storeName));
}
