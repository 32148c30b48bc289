using ChatStreams.Bench.Reporting;
using ChatStreams.Bench.Topologies;

namespace ChatStreams.Bench.Tests;

public class TopologiesBenchReportTests
{
    private static readonly MachineDescription Machine = new(new DateOnly(2026, 1, 2), 2, "Test CPU", "Linux", ".NET 10.0.0");

    private static LatencyBreakdown Latency(double ack, double conversation, double fanOut, double endToEnd) => new(
        Messages: 10, Samples: 1_000,
        ProduceToAck: new StageLatency(ack, ack * 2, ack * 3),
        Conversation: new StageLatency(conversation, conversation * 2, conversation * 3),
        FanOut: new StageLatency(fanOut, fanOut * 2, fanOut * 3),
        Topologies: new StageLatency(endToEnd - ack, (endToEnd - ack) * 2, (endToEnd - ack) * 3),
        EndToEnd: new StageLatency(endToEnd, endToEnd * 2, endToEnd * 3));

    private static WindowActivity Activity(double conversationPerSecond, double conversationMs, double fanOutMs, double? process = 1.8) => new(
        new ThreadActivity(new CommitStats(10, conversationPerSecond, conversationMs, conversationMs * 2), 0.25),
        new ThreadActivity(new CommitStats(20, 5, fanOutMs, fanOutMs * 2), 0.35),
        ReadersCpu: 0.4, ProcessCpu: process);

    /// <summary>Groups of 2 whose burst is commit-bound (2 commits/s of 400 ms), groups of 500 bound by the fan-out.</summary>
    private static TopologiesBenchResult Result(int duplicates = 0) => new(
    [
        new GroupSizeResult(2, 48, new ThroughputRun(18_000, 36_000, 20), Activity(2, 400, 40), 50,
            Latency(ack: 8, conversation: 250, fanOut: 300, endToEnd: 560), Activity(5, 160, 70, process: 0.9), duplicates),
        new GroupSizeResult(500, 4, new ThroughputRun(500, 250_000, 20), Activity(0.1, 60, 20), 2,
            Latency(ack: 9, conversation: 120, fanOut: 270, endToEnd: 400), Activity(2, 30, 18, process: 0.4), 0),
    ], StartupSeconds: 3.2);

    private static TopologiesBenchReport Report(TopologiesBenchResult result) =>
        new(new TopologiesBenchSettings { Sizes = [2, 500], Messages = [18_000, 500], Rates = [50, 2], SchemasFolder = "schemas" }, Machine, "ext4 (/dev/vda)", 0.02, result);

    [Fact]
    public void Tables_hold_each_size_s_rates_stage_percentiles_and_threads()
    {
        var markdown = Report(Result()).ToMarkdown();

        Assert.StartsWith("## Chat topologies\n", markdown);
        Assert.Contains("--sizes 2,500 --messages 18000,500 --rate 50,2 --latency-seconds 15 --partitions 12 --commit-interval-ms 100", markdown);
        Assert.Contains("Generated on 2026-01-02", markdown);
        Assert.Contains("Test CPU", markdown);
        // 18,000 messages and 36,000 deliveries in 20 s.
        Assert.Contains("| 2 | 48 | 18,000 | 900 | 1,800 | 20.0 |", markdown);
        Assert.Contains("| 500 | 4 | 500 | 25 | 12,500 | 20.0 |", markdown);
        // 50 msg/s against 900 sustained is 6 %; cells are p50 / p95 / p99; share is (560 - 8) / 560.
        Assert.Contains("| 2 | 50 (6 %) | 1,000 | 8.0 / 16 / 24 | 250 / 500 / 750 | 300 / 600 / 900 | 560 / 1,120 / 1,680 | **99 %** |", markdown);
        // One row per size and run: process and readers in cores, each stream thread's CPU and commits.
        Assert.Contains("| 2 | burst | 1.80 | 0.40 | 25 % · 2.0/s · 400 / 800 | 35 % · 5.0/s · 40 / 80 |", markdown);
        Assert.Contains("| 2 | latency | 0.90 | 0.40 | 25 % · 5.0/s · 160 / 320 | 35 % · 5.0/s · 70 / 140 |", markdown);
        Assert.Contains("no duplicate", markdown);
        Assert.Contains("3.2 s", markdown);
    }

    [Fact]
    public void The_explanation_quotes_the_measured_shares_commits_and_cpu()
    {
        var text = Report(Result()).WhereTheTimeGoes();

        Assert.StartsWith("**Where the time goes.** ", text);
        // Shares: (560 - 8) / 560 = 99 %, (400 - 9) / 400 = 98 %.
        Assert.Contains("the topologies take 98 %–99 % of the end-to-end median", text);
        Assert.Contains("is 8–9 ms", text);
        Assert.Contains("(100 ms apart, 50 ms on average)", text);
        Assert.Contains("the conversation hop's median is 120–250 ms, the fan-out's two hops' 270–300 ms", text);
        Assert.Contains("a conversation commit took 160 ms (p50) with 50 messages/s over 48 conversations of 2 and 30 ms with 2/s over 4 of 500", text);
        // 2 commits/s × 400 ms: 80 % of the conversation thread's time in the 1:1 burst.
        Assert.Contains("committed 2.0 times a second at 400 ms each, about 80 % of its time, while it was on the CPU 25 % of it", text);
        Assert.Contains("for groups of 500 the process kept 1.80 of the 2 cores busy, the fan-out's stream thread 0.35 of them and the readers 0.40", text);
        Assert.Contains("each message's 500 repartition records and 500 deliveries", text);
    }

    [Fact]
    public void Commits_that_take_little_of_a_burst_are_not_blamed_and_unknown_cpu_is_left_out()
    {
        var result = Result();
        var quiet = result with
        {
            Sizes = [result.Sizes[0] with { BurstActivity = Activity(2, 100, 40) }, result.Sizes[1] with { BurstActivity = Activity(0.1, 60, 20, process: null) }],
        };

        var text = Report(quiet).WhereTheTimeGoes();

        Assert.DoesNotContain("of its time", text);
        Assert.DoesNotContain("cores busy", text);
    }

    [Fact]
    public void Duplicates_are_reported_in_bold()
    {
        Assert.Contains("**3 duplicates**", Report(Result(duplicates: 3)).ToMarkdown());
    }
}
