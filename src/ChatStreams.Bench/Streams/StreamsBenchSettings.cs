namespace ChatStreams.Bench.Streams;

/// <summary>What the streams benchmark runs (command-line options of `chatstreams-bench streams`).</summary>
public sealed record StreamsBenchSettings
{
    /// <summary>Input records each pipeline run processes (all produced once, before the runs, and read from the beginning by every run).</summary>
    public int Records { get; init; } = 500_000;

    public int Partitions { get; init; } = 4;

    /// <summary>Distinct keys of the input (the count topology's store ends with this many entries).</summary>
    public int Keys { get; init; } = 10_000;

    public int ValueSize { get; init; } = 100;

    /// <summary>Entries of the store whose restore is measured (one changelog partition).</summary>
    public int RestoreEntries { get; init; } = 1_000_000;

    public int Runs { get; init; } = 3;

    /// <summary>Unmeasured runs of every pipeline first (JIT, connections, RocksDB's native library).</summary>
    public int WarmupRuns { get; init; } = 1;

    /// <summary>Commit interval of the streams runtime and of the hand-written loop (Kafka Streams' EOS default is 100 ms).</summary>
    public int CommitIntervalMs { get; init; } = 100;

    public string Output { get; init; } = "docs/benchmarks.md";

    /// <summary>Where the broker's data and the state directories go (a real disk).</summary>
    public string DataParent { get; init; } = Path.GetTempPath();

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Records < 1) problems.Add("--records must be at least 1.");
        if (Partitions < 1) problems.Add("--partitions must be at least 1.");
        if (Keys < 1) problems.Add("--keys must be at least 1.");
        if (ValueSize < 1) problems.Add("--value-size must be at least 1 byte.");
        if (RestoreEntries < 1) problems.Add("--restore-entries must be at least 1.");
        if (Runs < 1) problems.Add("--runs must be at least 1.");
        if (WarmupRuns < 0) problems.Add("--warmup-runs must not be negative.");
        if (CommitIntervalMs < 1) problems.Add("--commit-interval-ms must be at least 1.");
        return problems;
    }
}
