using ChatStreams.Streams.Processor;
using ChatStreams.Streams.State;
using Confluent.Kafka;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// One task: the processors, stores and punctuations of one sub-topology for one partition number. Built by
/// <see cref="StreamTaskFactory"/>; driven by a stream thread (or by the TopologyTestDriver). Single-threaded.
/// </summary>
internal interface IStreamTask : IDisposable
{
    TaskId Id { get; }
    IReadOnlyCollection<TopicPartition> InputPartitions { get; }

    /// <summary>The changelog partition of each logged store of this task (store name → topic-partition).</summary>
    IReadOnlyDictionary<string, TopicPartition> ChangelogPartitions { get; }

    /// <summary>Opens the stores (persistent ones under the task's state directory). Call before restoring.</summary>
    void InitializeStores();

    /// <summary>The store to refill from its changelog before processing starts.</summary>
    IRestorableStore RestorableStore(string storeName);

    /// <summary>Calls every processor's Init (after restoration) so punctuations get scheduled.</summary>
    void InitializeProcessors();

    /// <summary>Buffers consumed records of one input partition (raw bytes; deserialized when processed).</summary>
    void AddRecords(TopicPartition partition, IEnumerable<ConsumeResult<byte[]?, byte[]?>> records);

    int BufferedRecords { get; }

    /// <summary>
    /// Processes up to <paramref name="maxRecords"/> buffered records, always taking the one with the smallest
    /// timestamp across this task's partitions (Kafka Streams' partition-group order). Returns how many.
    /// A record that cannot be deserialized goes to the dead-letter handler instead.
    /// </summary>
    int Process(int maxRecords);

    /// <summary>Runs due stream-time punctuations; returns whether any ran.</summary>
    bool MaybePunctuateStreamTime();

    /// <summary>Runs due wall-clock punctuations at <paramref name="nowMs"/>; returns whether any ran.</summary>
    bool MaybePunctuateSystemTime(long nowMs);

    /// <summary>Set by a processor calling context.Commit().</summary>
    bool CommitRequested { get; }

    /// <summary>
    /// Returns the offsets to commit: for each input partition the offset after the last
    /// processed record (only partitions that made progress since the last commit). Clears CommitRequested.
    /// </summary>
    IReadOnlyDictionary<TopicPartition, Offset> PrepareCommit();

    /// <summary>Writes the stores' buffered changes to their local files (before a checkpoint names them as complete).</summary>
    void FlushStores();

    /// <summary>Closes processors and stores. clean=false after a failure: no flush, local state is suspect.</summary>
    void Close(bool clean);
}
