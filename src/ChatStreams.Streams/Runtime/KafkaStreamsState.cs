namespace ChatStreams.Streams;

/// <summary>
/// The life cycle of a <see cref="KafkaStreams"/> instance (Kafka Streams' KafkaStreams.State):
/// Created → Rebalancing ⇄ Running → PendingShutdown → NotRunning, or → Error when a stream thread failed for good.
/// </summary>
public enum KafkaStreamsState
{
    Created,

    /// <summary>Some stream thread is joining the group, waiting for an assignment or restoring state.</summary>
    Rebalancing,

    /// <summary>Every stream thread owns its tasks and processes records.</summary>
    Running,

    PendingShutdown,
    NotRunning,

    /// <summary>A stream thread stopped on an error it cannot recover from; the instance shut down. See the logs.</summary>
    Error,
}

/// <summary>A state change of a <see cref="KafkaStreams"/> instance.</summary>
public sealed record KafkaStreamsStateChange(KafkaStreamsState OldState, KafkaStreamsState NewState);
