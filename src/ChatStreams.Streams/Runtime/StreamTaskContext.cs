using ChatStreams.Streams.Processor;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// What every node instance of one task shares: identity, clocks, the collector, the record being processed,
/// stream time and the punctuation queues. Single-threaded like the task.
/// </summary>
internal sealed class StreamTaskContext(
    string applicationId, TaskId taskId, IRecordCollector collector, TimeProvider time, ILogger logger, Func<string, int>? partitionCount)
{
    public string ApplicationId { get; } = applicationId;
    public TaskId TaskId { get; } = taskId;
    public IRecordCollector Collector { get; } = collector;
    public TimeProvider Time { get; } = time;
    public ILogger Logger { get; } = logger;

    /// <summary>Partition count of an output topic, when the runtime knows it (sinks then pick the partition themselves).</summary>
    public Func<string, int>? PartitionCount { get; } = partitionCount;

    /// <summary>Input record being processed; null during punctuation and between records.</summary>
    public RecordMetadata? CurrentRecord { get; set; }

    /// <summary>Timestamp of the record a node is processing (the punctuation time inside a punctuator).</summary>
    public long CurrentRecordTimestamp { get; set; } = -1;

    /// <summary>Largest timestamp of a record processed by this task; -1 before the first.</summary>
    public long StreamTime { get; private set; } = -1;

    public bool CommitRequested { get; set; }

    public PunctuationQueue StreamTimePunctuations { get; } = new();
    public PunctuationQueue WallClockPunctuations { get; } = new();

    /// <summary>The task's stores by name (filled by the task before nodes are initialized).</summary>
    public StreamTaskStores? Stores { get; set; }

    public long WallClockMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public string ResolveTopic(string topic) => InternalTopicDefinition.Resolve(topic, ApplicationId);

    public void AdvanceStreamTime(long timestamp)
    {
        if (timestamp > StreamTime) StreamTime = timestamp;
    }

    /// <summary>Wraps an error of a node with the task, node and input record it happened on.</summary>
    /// <param name="what">What failed, e.g. "processor 'count'" or "punctuator of processor 'expire'".</param>
    public StreamTaskException Failure(string nodeName, string what, Exception inner)
    {
        var where = CurrentRecord is { } r ? $" while processing {r.Topic}[{r.Partition}]@{r.Offset}" : "";
        return new StreamTaskException(TaskId, nodeName, CurrentRecord, $"task {TaskId}: {what} failed{where}: {inner.Message}", inner);
    }
}
