namespace ChatStreams.Kafka.Broker;

/// <summary>Settings of the embedded broker (configuration section "Broker").</summary>
public sealed class BrokerOptions
{
    public const string Section = "Broker";

    /// <summary>Where logs, offsets and transaction state live. Required: the broker keeps everything on disk.</summary>
    public string DataDirectory { get; set; } = "data/kafka";

    /// <summary>Interface to bind. Loopback by default: the embedded broker has no authentication.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one (tests).</summary>
    public int Port { get; set; } = 9092;

    /// <summary>Host name put in Metadata responses; defaults to <see cref="Host"/>.</summary>
    public string? AdvertisedHost { get; set; }

    public int NodeId { get; set; } = 1;
    public string ClusterId { get; set; } = "chatstreams-embedded";

    /// <summary>Partitions for CreateTopics with -1 (and auto-created topics).</summary>
    public int DefaultPartitions { get; set; } = 1;

    /// <summary>Kafka's auto.create.topics.enable; off so a typo in a topic name is an error, not a new topic.</summary>
    public bool AutoCreateTopics { get; set; }

    /// <summary>Largest request frame accepted (socket.request.max.bytes).</summary>
    public int MaxRequestBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>
    /// How an append is made durable before acks=all is answered (topics with flush.messages=1, the default):
    /// <see cref="LogSyncMode.FileSystem"/> (Linux) shares one syncfs of the data directory's file system among
    /// all partitions waiting at that moment; <see cref="LogSyncMode.PerPartition"/> fsyncs each partition's file.
    /// </summary>
    public LogSyncMode LogSync { get; set; } = LogSyncMode.FileSystem;

    /// <summary>Broker-wide defaults for topic configs, by Kafka topic config name (e.g. "retention.ms").</summary>
    public Dictionary<string, string> DefaultTopicConfigs { get; set; } = new();

    /// <summary>group.initial.rebalance.delay.ms: how long a new group waits for more members before its first rebalance.</summary>
    public int GroupInitialRebalanceDelayMs { get; set; } = 100;

    public int GroupMinSessionTimeoutMs { get; set; } = 1000;
    public int GroupMaxSessionTimeoutMs { get; set; } = 1_800_000;

    /// <summary>transaction.max.timeout.ms: the largest transaction timeout a producer may ask for.</summary>
    public int TransactionMaxTimeoutMs { get; set; } = 900_000;

    /// <summary>How often retention, compaction and transaction/session timeouts are checked.</summary>
    public int HousekeepingIntervalMs { get; set; } = 1000;

    /// <summary>How often retention and compaction run (log.retention.check.interval.ms).</summary>
    public int RetentionCheckIntervalMs { get; set; } = 60_000;

    /// <summary>Injected request faults for fault campaigns; off by default.</summary>
    public RequestFaultOptions Faults { get; set; } = new();
}

/// <summary>How partition logs are forced to disk; both give the same guarantee (acks=all answered once on disk).</summary>
public enum LogSyncMode
{
    /// <summary>One syncfs(2) per round for every partition waiting (Linux; elsewhere falls back to per partition).</summary>
    FileSystem,

    /// <summary>One fsync per partition file per round.</summary>
    PerPartition,
}
