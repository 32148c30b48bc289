using ChatStreams.Bench.Edge;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Tests;

public class EdgeBenchReportTests
{
    private static readonly MachineDescription Machine = new(new DateOnly(2026, 1, 2), 2, "Test CPU", "Linux", ".NET 10.0.0");

    private static ScenarioResult Scenario(string name, int senders, int connections, long deliveries, double seconds, double ackP50, double messageP50,
        SequenceCheck? check = null, IReadOnlyList<string>? errors = null, ScenarioCpu? cpu = null) => new(
        name, Conversations: name == "group" ? 1 : senders,
        new SortedDictionary<string, int> { ["edge-0"] = connections / 2, ["edge-1"] = connections - connections / 2 },
        senders, MessagesSent: senders * 100, MessagesAcked: senders * 100, deliveries, deliveries, seconds,
        new LatencyDistribution(senders * 100, ackP50, ackP50 * 2, ackP50 * 3, ackP50 * 4),
        new LatencyDistribution((int)deliveries, messageP50, messageP50 * 1.5, messageP50 * 2, messageP50 * 3),
        check ?? SequenceCheck.Clean, errors ?? [], cpu ?? new ScenarioCpu(1.2, 0.2, 0.9, 0.05));

    /// <summary>20 pairs and a group of 50 with 5 senders, 100 messages each at 10/s: 10 s of sending, 0.4 s of latency.</summary>
    private static EdgeBenchResult Result(ScenarioResult? direct = null, ScenarioResult? group = null) => new(
        StartedSystem: true, "http://127.0.0.1:4000", Edges: 2, StartupSeconds: 18.5, RegistrationsPerSecond: 6.2,
        direct ?? Scenario("direct", senders: 20, connections: 40, deliveries: 2_000, seconds: 10.4, ackP50: 8, messageP50: 300),
        group ?? Scenario("group", senders: 5, connections: 50, deliveries: 25_000, seconds: 10.5, ackP50: 9, messageP50: 320));

    private static EdgeBenchReport Report(EdgeBenchResult result, EdgeBenchSettings? settings = null) =>
        new(settings ?? new EdgeBenchSettings(), Machine, commitIntervalMs: 100, result);

    [Fact]
    public void The_section_records_command_machine_system_and_both_tables()
    {
        var markdown = Report(Result()).ToMarkdown();

        Assert.StartsWith("## Edge and gateway\n", markdown);
        Assert.Contains("Generated on 2026-01-02 (UTC)", markdown);
        Assert.Contains("-- edge --pairs 20 --messages 100 --rate 10 --group-size 50 --group-senders 5`.", markdown);
        Assert.Contains("Machine: 2 × Test CPU, Linux; .NET 10.0.0.", markdown);
        Assert.Contains("`chatstreams up`", markdown);
        Assert.Contains("commit interval 100 ms), 2 edges and the YARP gateway", markdown);
        Assert.Contains("took 18.5 s", markdown);
        Assert.Contains("registered at 6.2/s", markdown);
        Assert.DoesNotContain("Smoke test", markdown);
        // 2,000 messages in 10.4 s; 25,000 deliveries of 500 messages in 10.5 s.
        Assert.Contains("| direct | 40 (20 · 20) | 20 × 100 | 192 | 2,000 | 192 | 10.4 | 1.20 · 0.90 · 0.20 · 0.05 |", markdown);
        Assert.Contains("| group | 50 (25 · 25) | 5 × 100 | 48 | 25,000 | 2,381 | 10.5 | 1.20 · 0.90 · 0.20 · 0.05 |", markdown);
        Assert.Contains("| direct | send → ack | 2,000 | 8.0 | 16 | 24 | 32 |", markdown);
        Assert.Contains("| direct | send → message | 2,000 | 300 | 450 | 600 | 900 |", markdown);
        Assert.Contains("| group | send → message | 25,000 | 320 | 480 | 640 | 960 |", markdown);
        Assert.Contains("every one of the 90 devices received seq 2 … N + 1", markdown);
        Assert.Contains("all 2,500 sends were acked", markdown);
    }

    [Fact]
    public void Quick_runs_and_runs_against_a_given_url_say_so()
    {
        var result = Result() with { StartedSystem = false, GatewayUrl = "http://chat.example:8080" };
        var settings = EdgeBenchSettings.QuickDefaults with { Url = "http://chat.example:8080" };

        var markdown = new EdgeBenchReport(settings, Machine, commitIntervalMs: null, result).ToMarkdown();

        Assert.Contains("-- edge --quick --url http://chat.example:8080 --pairs 4 --messages 20", markdown);
        Assert.Contains("**Smoke test (`--quick`)", markdown);
        Assert.Contains("an already running system behind the gateway at http://chat.example:8080, with 2 edges", markdown);
        Assert.Contains("with --url the system's share is not known", markdown);
    }

    [Fact]
    public void Paced_runs_that_kept_up_are_called_the_offered_load_and_the_latency_is_split_at_the_ack()
    {
        var text = Report(Result()).WhatBoundsTheNumbers();

        Assert.Contains("The direct throughput is the offered load — 20 connections × 10/s = 200 messages/s", text);
        Assert.Contains("The group throughput is the offered load — 5 connections × 10/s = 50 messages/s", text);
        Assert.Contains("Send → ack (median 8.0–9.0 ms)", text);
        Assert.Contains("end-to-end median (300–320 ms), the 292–311 ms after the ack", text);
        Assert.Contains("100 ms apart", text);
        Assert.Contains("The system under test itself kept 0.90 cores busy in the direct run (192 deliveries/s) and 0.90 cores busy in the group run (2,381 deliveries/s).", text);
        Assert.DoesNotContain("near all its", text);
        Assert.DoesNotContain("rerun on an idle machine", text);
    }

    [Fact]
    public void A_run_that_ends_long_after_its_schedule_fell_behind()
    {
        // 2,000 messages over 10 s of sending ended after 25 s, though p99 latency was only 600 ms: a backlog.
        var slow = Scenario("direct", senders: 20, connections: 40, deliveries: 2_000, seconds: 25, ackP50: 8, messageP50: 300);
        var report = Report(Result(direct: slow));

        Assert.False(report.KeptUp(slow));
        Assert.Contains("In the direct run the system fell behind the offered 200 messages/s (80 measured).", report.WhatBoundsTheNumbers());
    }

    [Fact]
    public void A_busy_machine_and_other_processes_are_named()
    {
        var busy = Scenario("group", senders: 5, connections: 50, deliveries: 25_000, seconds: 10.5, ackP50: 9, messageP50: 320,
            cpu: new ScenarioCpu(MachineCores: 1.9, ClientCores: 0.3, SystemCores: 1.2, OtherCores: 0.4));

        var text = Report(Result(group: busy)).WhatBoundsTheNumbers();

        Assert.Contains("The machine was near all its 2 cores during the group (1.90 busy) run", text);
        Assert.Contains("Other processes used 0.40 cores during the group run — enough to skew these numbers; rerun on an idle machine.", text);
    }

    [Fact]
    public void Failed_checks_are_counted_in_bold_with_the_first_errors()
    {
        var broken = Scenario("direct", senders: 20, connections: 40, deliveries: 2_000, seconds: 10.4, ackP50: 8, messageP50: 300,
            check: new SequenceCheck(Lost: 3, Duplicates: 1, OutOfOrder: 2, Unexpected: 0),
            errors: ["a/bench-direct-1 on edge-0: error rate_limited: too many frames (id m7)"]);

        var text = Report(Result(direct: broken)).Checks();

        Assert.StartsWith("Checks **failed**: over 90 devices, **3 lost, 1 duplicates, 2 out of order**; 2,500 of 2,500 sends acked; 1 errors: " +
                          "`a/bench-direct-1 on edge-0: error rate_limited: too many frames (id m7)`.", text);
    }
}
