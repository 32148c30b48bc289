namespace ChatStreams.Contracts;

/// <summary>How one topic (or, for deliveries, every per-edge topic) is created.</summary>
public sealed class TopicOptions
{
    /// <summary>Kafka's cleanup.policy values.</summary>
    public static IReadOnlyList<string> CleanupPolicies { get; } = ["delete", "compact", "compact,delete"];

    /// <summary>Partition count. Topics joined with each other must have the same count (see <see cref="TopicSettings"/>).</summary>
    public int Partitions { get; set; } = TopicSettings.DefaultPartitions;

    /// <summary>Replication factor; -1 lets the broker use its default.replication.factor.</summary>
    public short ReplicationFactor { get; set; } = -1;

    /// <summary>retention.ms: how long records are kept; -1 keeps them forever. Applies when the cleanup policy includes delete.</summary>
    public long RetentionMs { get; set; } = (long)TimeSpan.FromDays(7).TotalMilliseconds;

    /// <summary>cleanup.policy: delete, compact or compact,delete.</summary>
    public string CleanupPolicy { get; set; } = "delete";

    /// <summary>Further topic configs passed as they are (e.g. min.compaction.lag.ms, max.message.bytes).</summary>
    public Dictionary<string, string> Configs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The topic configs to create the topic with.</summary>
    public IReadOnlyDictionary<string, string> ToConfigs()
    {
        var configs = new Dictionary<string, string>(Configs, StringComparer.Ordinal)
        {
            ["cleanup.policy"] = CleanupPolicy,
        };
        if (CleanupPolicy.Contains("delete", StringComparison.Ordinal))
            configs["retention.ms"] = RetentionMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return configs;
    }

    /// <summary>What is wrong with these settings, each message naming the topic; empty when valid.</summary>
    public IEnumerable<string> Validate(string topic)
    {
        if (Partitions < 1)
            yield return $"Topics: {topic} has {Partitions} partitions; it needs at least 1.";
        if (ReplicationFactor is 0 or < -1)
            yield return $"Topics: {topic} has replication factor {ReplicationFactor}; use -1 (broker default) or at least 1.";
        if (RetentionMs is 0 or < -1)
            yield return $"Topics: {topic} has retention {RetentionMs} ms; use -1 (forever) or a positive number of milliseconds.";
        if (!CleanupPolicies.Contains(CleanupPolicy))
            yield return $"Topics: {topic} has cleanup policy '{CleanupPolicy}'; use one of {string.Join(", ", CleanupPolicies)}.";
        foreach (var key in Configs.Keys.Where(key => key is "cleanup.policy" or "retention.ms"))
            yield return $"Topics: {topic} sets '{key}' under Configs; set it with {(key == "cleanup.policy" ? "CleanupPolicy" : "RetentionMs")} instead.";
    }
}
