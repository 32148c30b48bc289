using System.Globalization;
using ChatStreams.Kafka.Broker.Records;

namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// One partition log's settings, named and defaulted like Kafka's topic configs. Build it from topic
/// configs with <see cref="FromTopicConfigs"/>; <see cref="ToTopicConfigs"/> gives the effective values back.
/// </summary>
public sealed record LogConfig
{
    public const long DefaultRetentionMs = 7L * 24 * 60 * 60 * 1000;

    /// <summary>segment.bytes: roll to a new segment file past this size.</summary>
    public int SegmentBytes { get; init; } = 1024 * 1024 * 1024;

    /// <summary>segment.ms: roll when the active segment's first batch is this old, so retention can act.</summary>
    public long SegmentMs { get; init; } = DefaultRetentionMs;

    /// <summary>retention.ms: delete segments whose newest record is older; -1 keeps them forever.</summary>
    public long RetentionMs { get; init; } = DefaultRetentionMs;

    /// <summary>retention.bytes: delete the oldest segments while the log is larger; -1 means no size limit.</summary>
    public long RetentionBytes { get; init; } = -1;

    public CleanupPolicy CleanupPolicy { get; init; } = CleanupPolicy.Delete;

    /// <summary>delete.retention.ms: how long compaction keeps tombstones and transaction markers after the first cleaning.</summary>
    public long DeleteRetentionMs { get; init; } = 24L * 60 * 60 * 1000;

    /// <summary>min.compaction.lag.ms: records newer than this are not compacted.</summary>
    public long MinCompactionLagMs { get; init; }

    /// <summary>max.message.bytes: the largest batch accepted (after compression).</summary>
    public int MaxMessageBytes { get; init; } = 1048588;

    /// <summary>index.interval.bytes: bytes between offset index entries.</summary>
    public int IndexIntervalBytes { get; init; } = 4096;

    public TimestampType MessageTimestampType { get; init; } = TimestampType.CreateTime;

    public FlushPolicy FlushPolicy { get; init; } = FlushPolicy.EveryAppend;

    public bool Compacts => (CleanupPolicy & CleanupPolicy.Compact) != 0;
    public bool Deletes => (CleanupPolicy & CleanupPolicy.Delete) != 0;

    /// <summary>Rules for validating Produce records for this log (compacted topics need keys).</summary>
    public RecordValidationOptions ValidationOptions => new()
    {
        MaxMessageBytes = MaxMessageBytes,
        RequireKeys = Compacts,
        MaxTotalBytes = SegmentBytes,
    };

    /// <summary>The Kafka topic config names this class understands.</summary>
    public static IReadOnlySet<string> KnownConfigNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "segment.bytes", "segment.ms", "retention.ms", "retention.bytes", "cleanup.policy", "delete.retention.ms",
        "min.compaction.lag.ms", "max.message.bytes", "index.interval.bytes", "message.timestamp.type",
        "flush.messages", "flush.ms",
    };

    /// <summary>
    /// Reads Kafka topic configs; names not in <see cref="KnownConfigNames"/> are ignored (the caller decides
    /// whether to refuse them). Throws <see cref="InvalidTopicConfigException"/> naming the config on a bad value.
    /// Flush: flush.messages=1 means fsync before acks=all is answered (the default when neither is set);
    /// otherwise flush.ms below Long.MaxValue fsyncs on that interval; both at Long.MaxValue leave it to the OS.
    /// </summary>
    public static LogConfig FromTopicConfigs(IReadOnlyDictionary<string, string?> configs)
    {
        var d = new LogConfig();
        long? flushMessages = configs.ContainsKey("flush.messages") ? Long(configs, "flush.messages", 1, long.MaxValue, 0) : null;
        long? flushMs = configs.ContainsKey("flush.ms") ? Long(configs, "flush.ms", 0, long.MaxValue, 0) : null;
        var flush = d.FlushPolicy;
        if (flushMessages == 1) flush = FlushPolicy.EveryAppend;
        else if (flushMs is > 0 and < long.MaxValue) flush = FlushPolicy.Interval(flushMs.Value);
        else if (flushMs == 0) flush = FlushPolicy.EveryAppend;
        else if (flushMessages is not null || flushMs is not null) flush = FlushPolicy.OsOnly;

        return new LogConfig
        {
            SegmentBytes = Int(configs, "segment.bytes", 14, int.MaxValue, d.SegmentBytes),
            SegmentMs = Long(configs, "segment.ms", 1, long.MaxValue, d.SegmentMs),
            RetentionMs = Long(configs, "retention.ms", -1, long.MaxValue, d.RetentionMs),
            RetentionBytes = Long(configs, "retention.bytes", -1, long.MaxValue, d.RetentionBytes),
            CleanupPolicy = Policy(configs, d.CleanupPolicy),
            DeleteRetentionMs = Long(configs, "delete.retention.ms", 0, long.MaxValue, d.DeleteRetentionMs),
            MinCompactionLagMs = Long(configs, "min.compaction.lag.ms", 0, long.MaxValue, d.MinCompactionLagMs),
            MaxMessageBytes = Int(configs, "max.message.bytes", 0, int.MaxValue, d.MaxMessageBytes),
            IndexIntervalBytes = Int(configs, "index.interval.bytes", 0, int.MaxValue, d.IndexIntervalBytes),
            MessageTimestampType = TimestampKind(configs, d.MessageTimestampType),
            FlushPolicy = flush,
        };
    }

    /// <summary>The effective values under their Kafka names (for DescribeConfigs).</summary>
    public IReadOnlyDictionary<string, string> ToTopicConfigs()
    {
        string Num(long v) => v.ToString(CultureInfo.InvariantCulture);
        var policy = CleanupPolicy switch
        {
            CleanupPolicy.Compact => "compact",
            CleanupPolicy.Delete | CleanupPolicy.Compact => "compact,delete",
            _ => "delete",
        };
        var (flushMessages, flushMs) = FlushPolicy.Mode switch
        {
            FlushMode.EveryAppend => (1L, long.MaxValue),
            FlushMode.Interval => (long.MaxValue, FlushPolicy.IntervalMs),
            _ => (long.MaxValue, long.MaxValue),
        };
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["segment.bytes"] = Num(SegmentBytes),
            ["segment.ms"] = Num(SegmentMs),
            ["retention.ms"] = Num(RetentionMs),
            ["retention.bytes"] = Num(RetentionBytes),
            ["cleanup.policy"] = policy,
            ["delete.retention.ms"] = Num(DeleteRetentionMs),
            ["min.compaction.lag.ms"] = Num(MinCompactionLagMs),
            ["max.message.bytes"] = Num(MaxMessageBytes),
            ["index.interval.bytes"] = Num(IndexIntervalBytes),
            ["message.timestamp.type"] = MessageTimestampType == TimestampType.LogAppendTime ? "LogAppendTime" : "CreateTime",
            ["flush.messages"] = Num(flushMessages),
            ["flush.ms"] = Num(flushMs),
        };
    }

    private static long Long(IReadOnlyDictionary<string, string?> configs, string name, long min, long max, long fallback)
    {
        if (!configs.TryGetValue(name, out var raw)) return fallback;
        if (raw is null) return fallback;
        if (!long.TryParse(raw.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
            throw new InvalidTopicConfigException(name, raw, "it must be a whole number");
        if (value < min) throw new InvalidTopicConfigException(name, raw, $"it must be at least {min}");
        if (value > max) throw new InvalidTopicConfigException(name, raw, $"it must be at most {max}");
        return value;
    }

    private static int Int(IReadOnlyDictionary<string, string?> configs, string name, int min, int max, int fallback) =>
        (int)Long(configs, name, min, max, fallback);

    private static CleanupPolicy Policy(IReadOnlyDictionary<string, string?> configs, CleanupPolicy fallback)
    {
        if (!configs.TryGetValue("cleanup.policy", out var raw) || raw is null) return fallback;
        CleanupPolicy policy = 0;
        foreach (var part in raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            policy |= part.ToLowerInvariant() switch
            {
                "delete" => CleanupPolicy.Delete,
                "compact" => CleanupPolicy.Compact,
                _ => throw new InvalidTopicConfigException("cleanup.policy", raw, "use delete, compact or compact,delete"),
            };
        return policy == 0 ? throw new InvalidTopicConfigException("cleanup.policy", raw, "use delete, compact or compact,delete") : policy;
    }

    private static TimestampType TimestampKind(IReadOnlyDictionary<string, string?> configs, TimestampType fallback)
    {
        if (!configs.TryGetValue("message.timestamp.type", out var raw) || raw is null) return fallback;
        return raw.Trim() switch
        {
            "CreateTime" => TimestampType.CreateTime,
            "LogAppendTime" => TimestampType.LogAppendTime,
            _ => throw new InvalidTopicConfigException("message.timestamp.type", raw, "use CreateTime or LogAppendTime"),
        };
    }
}
