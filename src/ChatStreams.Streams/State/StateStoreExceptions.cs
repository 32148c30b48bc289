namespace ChatStreams.Streams.State;

/// <summary>
/// A store was used when it cannot serve: before Init, after Close (Kafka Streams' InvalidStateStoreException).
/// Usually a processor kept a store reference past its task's lifetime.
/// </summary>
public sealed class InvalidStateStoreException(string message) : InvalidOperationException(message);

/// <summary>
/// The storage under a store failed: RocksDB could not open or write, or a changelog record is malformed
/// (Kafka Streams' ProcessorStateException). The task cannot continue with this store.
/// </summary>
public sealed class ProcessorStateException(string message, Exception? inner = null) : Exception(message, inner);
