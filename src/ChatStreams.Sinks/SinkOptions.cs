namespace ChatStreams.Sinks;

/// <summary>How every sink batches, retries and reports (section "Sinks"; env Sinks__BatchSize, Sinks__BatchLinger, ...).</summary>
public sealed class SinkOptions
{
    public const string Section = "Sinks";

    /// <summary>Records written (and offsets committed) together at most; a full batch is written at once.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How long the first record of a batch waits for more before the batch is written anyway.</summary>
    public TimeSpan BatchLinger { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>First pause after a failed write (or an unreachable schema registry); doubles up to <see cref="RetryBackoffMax"/>.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryBackoffMax { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// On partition revocation the pending batch is written before the partitions go; after this many failed
    /// attempts it is dropped uncommitted instead (the next owner reads it again), so a rebalance is never blocked for long.
    /// </summary>
    public int RevocationWriteAttempts { get; set; } = 3;

    /// <summary>How often a sink logs its progress (records written, lag).</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a sink subscribed to a topic pattern (a topic starting with ^, such as the analytics sink's
    /// ^delivery\..+) looks for new matching topics: librdkafka matches patterns on metadata refreshes, every 5 minutes
    /// by default, which would leave a new edge's deliveries unread that long. Kafka__Extra__topic.metadata.refresh.interval.ms wins.
    /// </summary>
    public TimeSpan TopicPatternRefresh { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Consumer group of a sink: prefix + sink name (chatstreams-sink-history). Each sink keeps its own offsets.</summary>
    public string GroupIdPrefix { get; set; } = "chatstreams-sink-";
}
