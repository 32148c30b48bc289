using ChatStreams.Bench.BrokerBench;
using ChatStreams.Bench.Measurement;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Tests;

public class BrokerBenchReportTests
{
    private static readonly MachineDescription Machine = new(new DateOnly(2026, 1, 2), 2, "Test CPU", "Linux", ".NET 10.0.0");

    /// <summary>A run of 100,000 records of 200 bytes taking the given seconds to produce and consume.</summary>
    private static RunResult Run(double produceSeconds, double consumeSeconds, double p99Ms = 20, double commitSeconds = 0) => new(
        new ProduceResult(100_000, 20_000_000, TimeSpan.FromSeconds(produceSeconds), new LatencySummary(10, p99Ms, 30, 40), TimeSpan.FromSeconds(commitSeconds)),
        new ConsumeResult(100_001, 20_000_200, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(consumeSeconds)),
        new RuntimeActivity(JitMethods: 12, JitTime: TimeSpan.FromMilliseconds(5), Gen2Collections: 3, AllocatedBytes: 1_000_000), OtherCpuShare: 0.04);

    private static BrokerBenchReport Report(params TargetSummary[] targets) =>
        new(new BrokerBenchSettings { Records = 100_000 }, Machine, "2.16.0", "ext4 (/dev/vda)", 0.02, targets);

    [Fact]
    public void Table_row_holds_the_median_of_each_column()
    {
        var embedded = new TargetSummary(BrokerBenchmark.EmbeddedName, [Run(1, 1, p99Ms: 20), Run(2, 4, p99Ms: 90), Run(4, 2, p99Ms: 10)]);
        var mock = new TargetSummary(BrokerBenchmark.MockName, [Run(1, 1), Run(1, 1), Run(1, 1)]);

        var markdown = Report(embedded, mock).ToMarkdown();

        Assert.StartsWith("## Embedded Kafka broker\n", markdown);
        // Medians: produce 2 s → 50,000 rec/s and 10 MB/s; p99 20 ms; consume 2 s → 50,000 rec/s.
        Assert.Contains($"| {BrokerBenchmark.EmbeddedName} | 50,000 | 10.0 | 10.0 ms | 20.0 ms | 30.0 ms | 50,000 |", markdown);
        Assert.Contains("Generated on 2026-01-02", markdown);
        Assert.Contains("Test CPU", markdown);
        Assert.Contains("librdkafka 2.16.0", markdown);
    }

    [Fact]
    public void Verdict_is_met_at_half_the_mock_or_more()
    {
        var embedded = new TargetSummary(BrokerBenchmark.EmbeddedName, [Run(2, 2)]);
        var mock = new TargetSummary(BrokerBenchmark.MockName, [Run(1, 1)]);

        var verdict = Report(embedded, mock).Verdict();

        Assert.Contains("**met**", verdict);
        Assert.Contains("produce 50 %", verdict);
    }

    [Fact]
    public void Verdict_says_which_side_misses_the_target()
    {
        var embedded = new TargetSummary(BrokerBenchmark.EmbeddedName, [Run(4, 1)]);
        var mock = new TargetSummary(BrokerBenchmark.MockName, [Run(1, 1)]);

        var report = Report(embedded, mock);

        Assert.Contains("**met for consume, not for produce**", report.Verdict());
        Assert.Contains("Ratio embedded / mock: produce **0.25**, consume **1.00**", report.ToMarkdown());
    }

    [Fact]
    public void Transactional_rows_get_their_own_ratio()
    {
        const string suffix = ", transactional (commit every 1,000)";
        var report = Report(
            new TargetSummary(BrokerBenchmark.EmbeddedName, [Run(1, 1)]),
            new TargetSummary(BrokerBenchmark.MockName, [Run(1, 1)]),
            new TargetSummary(BrokerBenchmark.EmbeddedName + suffix, [Run(3, 1, commitSeconds: 1.5)]),
            new TargetSummary(BrokerBenchmark.MockName + suffix, [Run(1, 1)]));

        var markdown = report.ToMarkdown();
        Assert.Contains($"Ratio embedded / mock{suffix}: produce **0.33**, consume **1.00**", markdown);
        // The per-run list says how much of the transactional produce time went into commits.
        Assert.Contains($"- {BrokerBenchmark.EmbeddedName}{suffix}: 33,333 · 20.0 ms · 100,000 · 50 ms · 12 · 3 · 4 % · 50 %", markdown);
    }
}
