namespace ChatStreams.Bench.Sinks;

/// <summary>What `chatstreams-bench sinks` loads and for how long.</summary>
public sealed class SinksBenchSettings
{
    /// <summary>Messages preloaded into chat.events for the throughput runs (each sink lands them all from a standing start).</summary>
    public int Messages { get; init; } = 50_000;

    /// <summary>Conversations the throughput messages are spread over.</summary>
    public int Conversations { get; init; } = 200;

    /// <summary>Messages per second written while freshness is measured.</summary>
    public double Rate { get; init; } = 200;

    /// <summary>How long the freshness run writes.</summary>
    public int FreshnessSeconds { get; init; } = 20;

    /// <summary>Conversations of the freshness run (each one's newest message is watched in every store).</summary>
    public int FreshnessConversations { get; init; } = 20;

    public int Partitions { get; init; } = 12;

    public int BodyLength { get; init; } = 80;

    /// <summary>The sinks' batch linger (Sinks:BatchLinger): how long a batch's first record waits for more.</summary>
    public int LingerMs { get; init; } = 200;

    /// <summary>Also measure ClickHouse: a local clickhouse-server started on a free loopback port.</summary>
    public bool ClickHouse { get; init; } = true;

    public string Output { get; init; } = "docs/benchmarks.md";

    public string DataParent { get; init; } = Path.GetTempPath();

    public string SchemasFolder { get; init; } = "schemas";

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Messages < 1) problems.Add("--messages must be at least 1");
        if (Conversations < 1 || Conversations > Messages) problems.Add("--conversations must be 1 to --messages");
        if (!(Rate > 0)) problems.Add("--rate must be above 0");
        if (FreshnessSeconds < 1) problems.Add("--freshness-seconds must be at least 1");
        if (FreshnessConversations < 1) problems.Add("--freshness-conversations must be at least 1");
        if (Partitions < 1) problems.Add("--partitions must be at least 1");
        if (BodyLength < 16) problems.Add("--body-length must be at least 16 (a message carries a unique search token)");
        if (LingerMs < 0) problems.Add("--linger-ms must not be negative");
        if (!Directory.Exists(SchemasFolder)) problems.Add($"--schemas: no folder '{SchemasFolder}' (run from the repository root)");
        return problems;
    }
}
