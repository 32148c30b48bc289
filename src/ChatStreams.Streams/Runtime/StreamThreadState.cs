using ChatStreams.Streams.Processor;

namespace ChatStreams.Streams.Runtime;

/// <summary>The life cycle of one stream thread (Kafka Streams' StreamThread.State).</summary>
public enum StreamThreadState
{
    Created,

    /// <summary>Producer initialized, consumer subscribed, waiting for the first assignment.</summary>
    Starting,

    /// <summary>An eager rebalance revoked the partitions (tasks committed and suspended).</summary>
    PartitionsRevoked,

    /// <summary>Partitions assigned; tasks are restoring their stores before they process.</summary>
    PartitionsAssigned,

    Running,
    PendingShutdown,
    Dead,
}

/// <summary>What one stream thread of this instance owns right now (Kafka Streams' ThreadMetadata).</summary>
public sealed record StreamThreadMetadata(
    string ThreadName,
    StreamThreadState State,
    IReadOnlySet<TaskId> ActiveTasks,
    IReadOnlySet<TaskId> RestoringTasks,
    string? TransactionalId);
