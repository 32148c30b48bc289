namespace ChatStreams.Streams.State;

/// <summary>A state store attached to processors; one instance per task (Kafka Streams' StateStore).</summary>
public interface IStateStore
{
    string Name { get; }

    /// <summary>True for stores that keep data on local disk (RocksDB); false for in-memory stores.</summary>
    bool Persistent { get; }

    /// <summary>Opens the store for a task. Changelogged stores are then filled from their changelog before processing.</summary>
    void Init(IStateStoreContext context);

    /// <summary>Makes writes durable locally (persistent stores); called before each commit.</summary>
    void Flush();

    void Close();
}

/// <summary>What a store learns when it is opened for a task.</summary>
public interface IStateStoreContext
{
    string ApplicationId { get; }
    Processor.TaskId TaskId { get; }

    /// <summary>This task's own directory for persistent stores (under the state dir).</summary>
    string StateDirectory { get; }

    /// <summary>Current wall clock (TimeProvider) in ms.</summary>
    long CurrentSystemTimeMs { get; }

    /// <summary>Timestamp of the record being processed (the wall clock inside a punctuation); changelog records carry it.</summary>
    long CurrentRecordTimestampMs { get; }

    /// <summary>Changelog to write every change to (null when logging is disabled or in a store without logging).</summary>
    IChangelogWriter? Changelog { get; }
}

/// <summary>Sends a store's changes to its compacted changelog topic (partition = the task's partition).</summary>
public interface IChangelogWriter
{
    string Topic { get; }
    void Log(ReadOnlySpan<byte> key, byte[]? value, long timestamp);
}

/// <summary>A store that can be refilled from its changelog: the runtime feeds it the raw changelog records.</summary>
public interface IRestorableStore : IStateStore
{
    /// <summary>Applies changelog records (key bytes, value bytes or null for a delete) without logging them again.</summary>
    void Restore(IEnumerable<(byte[] Key, byte[]? Value, long Timestamp)> batch);
}
