namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>cleanup.policy: delete old segments, compact by key, or both.</summary>
[Flags]
public enum CleanupPolicy
{
    Delete = 1,
    Compact = 2,
}
