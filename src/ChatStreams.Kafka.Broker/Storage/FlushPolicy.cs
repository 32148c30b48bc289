namespace ChatStreams.Kafka.Broker.Storage;

public enum FlushMode
{
    /// <summary><see cref="PartitionLog.FlushAsync"/> waits for an fsync (shared by concurrent callers): acks=all means on disk.</summary>
    EveryAppend,

    /// <summary>A timer fsyncs every <see cref="FlushPolicy.IntervalMs"/>; FlushAsync returns at once.</summary>
    Interval,

    /// <summary>Only segment rolls and clean shutdown fsync; the OS writes back the rest (Kafka's default).</summary>
    OsOnly,
}

/// <summary>When appended data is forced to disk.</summary>
public sealed record FlushPolicy(FlushMode Mode, long IntervalMs = 0)
{
    public static FlushPolicy EveryAppend { get; } = new(FlushMode.EveryAppend);
    public static FlushPolicy OsOnly { get; } = new(FlushMode.OsOnly);

    public static FlushPolicy Interval(long intervalMs) =>
        intervalMs > 0 ? new(FlushMode.Interval, intervalMs) : throw new ArgumentOutOfRangeException(nameof(intervalMs), "The flush interval must be positive.");
}
