using ChatStreams.Kafka;
using ChatStreams.Streams.Runtime;

namespace ChatStreams.Streams;

public enum ProcessingGuarantee
{
    /// <summary>Transactions (EOS v2): outputs, changelog writes and consumed offsets commit atomically.</summary>
    ExactlyOnceV2,

    /// <summary>Offsets committed after outputs are acknowledged; a crash may reprocess (duplicates possible).</summary>
    AtLeastOnce,
}

/// <summary>Settings of one streams application instance (configuration section "Streams").</summary>
public sealed class StreamsConfig
{
    public const string Section = "Streams";

    /// <summary>Consumer group id, transactional id prefix and prefix of internal topics.</summary>
    public string ApplicationId { get; set; } = "";

    public KafkaOptions Kafka { get; set; } = new();

    public int NumStreamThreads { get; set; } = 1;

    public ProcessingGuarantee ProcessingGuarantee { get; set; } = ProcessingGuarantee.ExactlyOnceV2;

    /// <summary>How often tasks commit (Kafka Streams: 100 ms under EOS, 30 s otherwise).</summary>
    public int CommitIntervalMs { get; set; } = 100;

    /// <summary>
    /// A thread that has processed everything it fetched commits this long after its last commit started instead of
    /// waiting for <see cref="CommitIntervalMs"/>; -1 = never early (Kafka Streams' behaviour). Under exactly-once
    /// nothing a task wrote is visible downstream before its commit, so at low load each hop of a pipeline of
    /// applications otherwise holds a record back by up to a whole interval (half of one on average). A busy thread
    /// still commits every <see cref="CommitIntervalMs"/>, and never sooner after a commit than that commit lasted.
    /// Exactly-once only: at least once, outputs are visible before the commit.
    /// </summary>
    public int IdleCommitIntervalMs { get; set; } = 10;

    /// <summary>Where persistent stores live: &lt;StateDirectory&gt;/&lt;application id&gt;/&lt;task id&gt;/.</summary>
    public string StateDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "chatstreams-state");

    public DeserializationErrorPolicy DeserializationErrors { get; set; } = DeserializationErrorPolicy.DeadLetter;

    /// <summary>Dead-letter topic; default "&lt;application id&gt;-dlq".</summary>
    public string? DeadLetterTopic { get; set; }

    /// <summary>Replication factor of the internal topics the runtime creates (changelogs, repartition, dead letters); -1 = the cluster default.</summary>
    public short ReplicationFactor { get; set; } = -1;

    public int MaxPollRecords { get; set; } = 1000;

    /// <summary>
    /// session.timeout.ms of the stream threads' consumers: how long a crashed instance keeps its partitions (nothing
    /// of them is processed meanwhile) before the group moves them. 10 s, not the client default 30–45 s: chat
    /// deliveries stall for this long after a kill -9, and heartbeats run on librdkafka's own thread, so a busy
    /// stream thread does not miss them (a stuck one is caught by max.poll.interval.ms).
    /// </summary>
    public int SessionTimeoutMs { get; set; } = 10_000;

    /// <summary>
    /// Timeout given to each transactional call (init, send offsets, commit, abort). A commit on a healthy broker takes
    /// milliseconds; one that needs longer has lost its coordinator, and the thread does better to abort and retry
    /// with fresh tasks than to wait. The call is also abandoned 5 s past this if librdkafka ignores it (see StreamsProducer).
    /// </summary>
    public TimeSpan TransactionCallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// While this returns true, newly assigned tasks wait before restoring their stores and processing (their inputs
    /// paused); the instance still joins its group and keeps its assignment. A rescale starts the next generation's
    /// instance this way, so only restoring remains when its records are released (docs/operations.md). Asked on every
    /// loop of every stream thread: keep it cheap. Not bound from configuration.
    /// </summary>
    public Func<bool>? HoldTasks { get; set; }

    public string ResolvedDeadLetterTopic => DeadLetterTopic ?? $"{ApplicationId}-dlq";

    /// <summary>
    /// The same settings for another application (several applications in one process share everything else). A
    /// shallow copy: the <see cref="Kafka"/> options object is shared, which is fine because the runtime only reads it.
    /// </summary>
    public StreamsConfig ForApplication(string applicationId)
    {
        var copy = (StreamsConfig)MemberwiseClone();
        copy.ApplicationId = applicationId;
        return copy;
    }

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ApplicationId)) problems.Add("Streams:ApplicationId is required (it names the consumer group and internal topics)");
        if (NumStreamThreads < 1) problems.Add("Streams:NumStreamThreads must be at least 1");
        if (CommitIntervalMs < 1) problems.Add("Streams:CommitIntervalMs must be at least 1");
        if (IdleCommitIntervalMs < -1) problems.Add("Streams:IdleCommitIntervalMs must be -1 (off), 0 or more");
        if (SessionTimeoutMs < 1000) problems.Add("Streams:SessionTimeoutMs must be at least 1000 (the broker refuses shorter sessions)");
        if (TransactionCallTimeout < TimeSpan.FromSeconds(1)) problems.Add("Streams:TransactionCallTimeout must be at least 00:00:01");
        return problems;
    }
}
