using ChatStreams.Bench.Native;

namespace ChatStreams.Bench.BrokerBench;

/// <summary>What the broker benchmark runs (command-line options of `chatstreams-bench broker`).</summary>
public sealed record BrokerBenchSettings
{
    /// <summary>Bytes per record on top of its value in a v2 batch (length, attributes, deltas, key and value lengths, header count), rounded up.</summary>
    public const int RecordOverheadBytes = 16;

    /// <summary>Share of the mock's per-partition capacity the benchmark may fill (batch headers and uneven spread need room).</summary>
    public const double MockCapacityShare = 0.9;

    public int Records { get; init; } = 240_000;
    public int RecordSize { get; init; } = 200;
    public int Partitions { get; init; } = 12;
    public int Runs { get; init; } = 3;
    /// <summary>
    /// Unmeasured full-size runs per target first. A few thousand records are not enough: .NET's tiered JIT
    /// was measured still compiling hundreds of the broker's methods per run during the first three runs.
    /// </summary>
    public int WarmupRuns { get; init; } = 3;

    /// <summary>Records per transaction in the transactional runs; 0 skips them.</summary>
    public int TransactionBatch { get; init; } = 1_000;

    public string Output { get; init; } = "docs/benchmarks.md";

    /// <summary>Where the embedded broker's temporary data directory is made (must be a real disk for fsync to mean anything).</summary>
    public string DataParent { get; init; } = Path.GetTempPath();

    /// <summary>The most records the mock cluster holds over <see cref="Partitions"/> partitions without dropping any.</summary>
    public int MaxRecordsForMock =>
        (int)Math.Min(int.MaxValue, (long)(MockCluster.PartitionCapacityBytes * MockCapacityShare / (RecordSize + RecordOverheadBytes)) * Partitions);

    /// <summary>Problems with these settings, each a sentence saying what to change; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Records < 1) problems.Add("--records must be at least 1.");
        if (RecordSize < 1) problems.Add("--record-size must be at least 1 byte.");
        if (Partitions < 1) problems.Add("--partitions must be at least 1.");
        if (Runs < 1) problems.Add("--runs must be at least 1.");
        if (WarmupRuns < 0) problems.Add("--warmup-runs must not be negative.");
        if (TransactionBatch < 0) problems.Add("--transaction-batch must not be negative (0 skips the transactional runs).");
        if (problems.Count == 0 && Records > MaxRecordsForMock)
            problems.Add($"--records {Records:N0} of {RecordSize} bytes over {Partitions} partitions is more than librdkafka's mock cluster keeps " +
                         $"(5 MiB per partition; it silently drops the oldest data past that, so the consume pass would come up short). " +
                         $"Use at most {MaxRecordsForMock:N0} records, smaller records or more partitions.");
        return problems;
    }
}
