using System.Diagnostics;
using System.Xml.Linq;
using ChatStreams.Bench.Edge;
using ChatStreams.Bench.Load;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Tests;

public class LoadMeasurementTests
{
    private const long Frequency = 1_000_000; // timestamps in µs in these tests

    private static DeliveryLedger TwoConversations(int firstNumber = 0) =>
        new([("a", [0, 1]), ("b", [2, 3, 4])], firstNumber);

    private static Delivery At(int recipient, string conversation, int sender, int number) =>
        new(recipient, conversation, LoadMessageId.Format(sender, number), 0, 0);

    [Fact]
    public void Every_member_getting_every_message_once_in_order_is_clean()
    {
        var ledger = TwoConversations();
        ledger.Sent(0);
        ledger.Sent(0);
        ledger.Sent(2);
        foreach (var recipient in new[] { 0, 1 })
        {
            Assert.True(ledger.Record(At(recipient, "a", 0, 0)));
            Assert.True(ledger.Record(At(recipient, "a", 0, 1)));
        }
        foreach (var recipient in new[] { 2, 3, 4 }) Assert.True(ledger.Record(At(recipient, "b", 2, 0)));

        var tally = ledger.Tally();

        Assert.Equal(new DeliveryTally(Expected: 2 * 2 + 1 * 3, Delivered: 7, Lost: 0, Duplicates: 0, OutOfOrder: 0, Unexpected: 0, Strays: 0), tally);
        Assert.True(tally.Clean);
        Assert.Equal(3, ledger.SentCount);
    }

    [Fact]
    public void Missing_repeated_and_reordered_arrivals_are_counted_apart()
    {
        var ledger = TwoConversations();
        for (var i = 0; i < 3; i++) ledger.Sent(2);
        // Member 3: 0, 2, 1 (1 out of order); member 4: 0, 0 (a duplicate; 1 and 2 lost); member 2 (the sender): nothing (3 lost).
        Assert.True(ledger.Record(At(3, "b", 2, 0)));
        Assert.True(ledger.Record(At(3, "b", 2, 2)));
        Assert.True(ledger.Record(At(3, "b", 2, 1)));
        Assert.True(ledger.Record(At(4, "b", 2, 0)));
        Assert.False(ledger.Record(At(4, "b", 2, 0)));

        var tally = ledger.Tally();

        Assert.Equal(9, tally.Expected);
        Assert.Equal(4, tally.Delivered);
        Assert.Equal(5, tally.Lost);
        Assert.Equal(1, tally.Duplicates);
        Assert.Equal(1, tally.OutOfOrder);
        Assert.False(tally.Clean);
    }

    [Fact]
    public void Other_conversations_and_earlier_phases_are_strays_and_a_non_member_or_unsent_message_is_unexpected()
    {
        var ledger = TwoConversations(firstNumber: 10);
        ledger.Sent(0);

        Assert.False(ledger.Record(At(0, "old-conversation", 0, 10)));
        Assert.False(ledger.Record(At(0, "a", 0, 9)));          // the previous phase's message 9
        Assert.False(ledger.Record(new Delivery(0, "a", "not-an-id", 0, 0)));
        Assert.False(ledger.Record(At(2, "a", 0, 10)));         // client 2 is not in conversation a
        Assert.True(ledger.Record(At(1, "a", 0, 10)));
        Assert.True(ledger.Record(At(0, "a", 0, 11)));          // never sent

        var tally = ledger.Tally();

        Assert.Equal(3, tally.Strays);
        Assert.Equal(2, tally.Unexpected);
        Assert.Equal(2, tally.Expected);
        Assert.Equal(1, tally.Delivered);
        Assert.Equal(1, tally.Lost);
    }

    [Fact]
    public void A_client_in_two_conversations_of_one_phase_or_a_sender_outside_them_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new DeliveryLedger([("a", [0, 1]), ("b", [1, 2])]));
        Assert.Throws<ArgumentException>(() => TwoConversations().Sent(9));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(17, 123456)]
    public void Message_ids_carry_sender_and_number(int sender, int number)
    {
        Assert.True(LoadMessageId.TryParse(LoadMessageId.Format(sender, number), out var s, out var n));
        Assert.Equal((sender, number), (s, n));
        Assert.False(LoadMessageId.TryParse("m12", out _, out _));
        Assert.False(LoadMessageId.TryParse(null, out _, out _));
    }

    [Fact]
    public void Percentiles_come_from_the_histogram_within_its_precision()
    {
        var recorder = new LatencyRecorder(0, Frequency);
        for (var ms = 1; ms <= 1000; ms++) recorder.Record(0, ms * 1000L);

        var summary = recorder.Summary();

        Assert.Equal(1000, summary.Samples);
        Assert.Equal(500, summary.P50Ms, 500 * 0.001);
        Assert.Equal(950, summary.P95Ms, 950 * 0.001);
        Assert.Equal(990, summary.P99Ms, 990 * 0.001);
        Assert.Equal(999, summary.P999Ms, 999 * 0.001);
        Assert.Equal(1000, summary.MaxMs, 1000 * 0.001);
    }

    [Fact]
    public void A_stalled_sender_s_backlog_counts_its_wait_because_latency_runs_from_the_scheduled_time()
    {
        // 100 sends due every 10 ms; the connection is blocked for the first second, so they all go at 1 s and arrive 1 ms later.
        var schedule = new SendSchedule(Start: 0, Rate: 100, Senders: 1, TicksPerSecond: Frequency);
        var recorder = new LatencyRecorder(0, Frequency);
        var fromWrite = new LatencyRecorder(0, Frequency);
        for (var n = 0; n < 100; n++)
        {
            var due = schedule.Due(0, n);
            var body = MessageStamp.Body(due, 100); // what the generator writes: the due time, not the write time
            var written = Math.Max(due, Frequency);
            var arrived = written + 1000;
            Assert.True(MessageStamp.TryRead(body, out var stamp));
            recorder.Record(stamp, arrived);
            fromWrite.Record(written, arrived);
        }

        // Corrected: the backlog waited 1 s down to 10 ms, median ≈ 0.5 s; timed from the write, the stall would vanish.
        Assert.InRange(recorder.Summary().P50Ms, 495, 515);
        Assert.InRange(recorder.Summary().MaxMs, 1000, 1002);
        Assert.Equal(1, fromWrite.Summary().P99Ms, 0.01);
    }

    [Fact]
    public void Latency_over_time_has_a_point_per_second_of_arrival()
    {
        var recorder = new LatencyRecorder(startTimestamp: 5 * Frequency, Frequency);
        recorder.Record(5 * Frequency, 5 * Frequency + 10_000);  // second 0: 10 ms
        recorder.Record(7 * Frequency, 7 * Frequency + 200_000); // second 2: 200 ms

        var points = recorder.OverTime();

        Assert.Equal(3, points.Count);
        Assert.Equal(10, points[0].P99Ms, 0.05);
        Assert.Equal(0, points[1].Samples);
        Assert.Equal(200, points[2].MaxMs, 0.2);
        Assert.Equal(200, recorder.RecentP99Ms(8 * Frequency + 1)!.Value, 0.2);
        Assert.Null(recorder.RecentP99Ms(7 * Frequency));
    }

    [Fact]
    public void The_rising_search_doubles_until_a_step_fails_then_bisects()
    {
        var search = new RisingRateSearch(startRate: 500, maxRate: 8000, refinements: 2);
        var holdsUpTo = 2600.0;
        var tried = new List<double>();
        while (search.Next() is { } rate)
        {
            tried.Add(rate);
            search.Report(rate, rate <= holdsUpTo);
        }

        // 500, 1000, 2000 hold; 4000 fails; then 3000 (fails) and 2500 (holds).
        Assert.Equal([500, 1000, 2000, 4000, 3000, 2500], tried);
        Assert.Equal(2500, search.HighestPassed);
    }

    [Fact]
    public void The_rising_search_stops_at_its_top_rate_and_reports_none_when_the_first_step_fails()
    {
        var all = new RisingRateSearch(100, 300, 2);
        var tried = new List<double>();
        while (all.Next() is { } rate)
        {
            tried.Add(rate);
            all.Report(rate, true);
        }
        Assert.Equal([100, 200, 300], tried);
        Assert.Equal(300, all.HighestPassed);

        var none = new RisingRateSearch(100, 300, 1);
        none.Report(none.Next()!.Value, false);
        Assert.Equal(50, none.Next());
        none.Report(50, false);
        Assert.Null(none.Next());
        Assert.Null(none.HighestPassed);
    }

    [Fact]
    public void Settings_name_what_is_wrong()
    {
        Assert.Empty(new LoadBenchSettings().Problems());
        Assert.Empty(new LoadBenchSettings { Quick = true }.Problems());
        Assert.Contains(new LoadBenchSettings { ScenarioNames = ["groups"] }.Problems(), p => p.Contains("unknown scenario 'groups'"));
        Assert.Contains(new LoadBenchSettings { Systems = ["kafka"] }.Problems(), p => p.Contains("unknown system 'kafka'"));
        var tooFast = new LoadBenchSettings { Catalog = [new LoadScenario("direct", "direct", 2, 1, 1, 25, 5)], ScenarioNames = ["direct"] };
        Assert.Contains(tooFast.Problems(), p => p.Contains("not below the edge's limit"));
        Assert.Equal(1000, new LoadBenchSettings().Clients);
        Assert.Contains(new LoadBenchSettings { Rate = 0 }.Problems(), p => p.Contains("--rate must be positive"));
        Assert.Contains(new LoadBenchSettings { WarmUpSeconds = -1 }.Problems(), p => p.Contains("--warm-up-seconds"));
    }

    [Fact]
    public void The_full_run_warms_up_longer_than_the_smoke_test_and_the_warm_up_can_be_resized_or_left_out()
    {
        Assert.Equal(LoadBenchSettings.FullWarmUp, new LoadBenchSettings().WarmUp);
        Assert.Equal(LoadBenchSettings.QuickWarmUp, new LoadBenchSettings { Quick = true }.WarmUp);
        Assert.True(LoadBenchSettings.FullWarmUp.Seconds > LoadBenchSettings.QuickWarmUp.Seconds);
        Assert.Equal(12, new LoadBenchSettings { WarmUpSeconds = 12 }.WarmUp!.Seconds);
        Assert.Null(new LoadBenchSettings { WarmUpSeconds = 0 }.WarmUp);
    }

    [Fact]
    public void A_rate_given_replaces_each_scenarios_own_and_starts_a_rising_run_there()
    {
        var settings = new LoadBenchSettings { ScenarioNames = ["direct", "rising"], Rate = 25 };
        Assert.Empty(settings.Problems());
        Assert.All(settings.Scenarios, s => Assert.Equal(25, s.Rate));
        Assert.Equal(8000, settings.Scenarios.Single(s => s.Rising).RisingTo);
    }

    [Fact]
    public void A_proc_stat_line_gives_resident_pages_too()
    {
        var stat = ProcessTreeCpu.Parse("4242 (dotnet) S 4200 4200 4200 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0 900 123456789 3210 18446744073709551615");

        Assert.Equal(new ProcessTicks(4242, 4200, 300, 3210), stat);
        Assert.True(ProcessTreeCpu.Usage([Environment.ProcessId])!.Value.RssBytes > 0);
    }

    [Fact]
    public void The_section_shows_both_systems_their_ratio_the_steps_and_the_guarantees()
    {
        var settings = new LoadBenchSettings { ScenarioNames = ["direct", "rising"] };
        var result = Result(settings);

        var md = new LoadBenchReport(settings, result, "benchmarks/load-latency.svg", "benchmarks/load.json").ToMarkdown();

        Assert.StartsWith(LoadBenchReport.Heading, md);
        Assert.Contains("| direct | ChatStreams | 400 · 400 | 800 | 40.0 | 60.0 | 80.0 | 90.0 | 100 | 0 · 0 · 0 · 0 | 1.20 · 900 MB | 0.40 · 1.90 |", md);
        Assert.Contains("| direct | SignalR + Redis | 400 · 400 | 800 | 10.0 | 15.0 | 20.0 | 30.0 | 40 | 0 · 0 · 0 · 0 | 0.60 · 300 MB | 0.40 · 1.90 |", md);
        Assert.Contains("| direct | ratio ChatStreams / SignalR + Redis | 1.00× | 1.00× | 4.00× | 4.00× | 4.00× | 3.00× | 2.50× | | 2.00× · 3.00× | |", md);
        Assert.Contains("| rising: highest holding step | ChatStreams | 1,000 ·", md);
        Assert.Contains("| ChatStreams | 2,000 | 2,000 | 20,000 | 40.0 | 150.0 | 100 | 0 · 0 · 0 | 1.20 | ✗ |", md);
        Assert.Contains("ChatStreams: highest rate holding p99 < 100 ms: **1,000 messages/s (10,000 deliveries/s)**", md);
        Assert.Contains("![Latency over time", md);
        Assert.Contains("at most once", md);
        Assert.Contains("CPU speed probe (one core sorting 65,536 ints; lower is faster): 3,100 µs best, 3,250 µs median before the run, 4,020 µs best, 4,400 µs median after it.", md);
        // It replaces its own section only.
        var document = MarkdownSections.Replace("# Benchmarks\n\n## Sinks\n\nkept\n", LoadBenchReport.Heading, md);
        Assert.Contains("kept", document);
    }

    [Fact]
    public void The_cpu_speed_probe_times_a_sort_and_its_best_is_no_slower_than_its_median()
    {
        var probe = CpuSpeedProbe.Measure(TimeSpan.FromMilliseconds(50));

        Assert.InRange(probe.BestMicroseconds, 1, probe.MedianMicroseconds);
    }

    [Fact]
    public void The_plot_is_an_svg_with_a_p99_and_a_p50_line_per_system_and_scenario()
    {
        var settings = new LoadBenchSettings { ScenarioNames = ["direct", "rising"] };

        var svg = XDocument.Parse(LatencyPlot.Render(Result(settings)));

        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(2 * 2 * 2, svg.Descendants(ns + "polyline").Count());
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "SignalR + Redis");
        // The rising run's steps follow one another: 3 steps of 3 points each.
        Assert.Equal(9, LatencyPlot.Points(Result(settings).Systems[0].Scenarios[1]).Count);
    }

    [Fact]
    public async Task The_result_is_written_as_json_and_svg()
    {
        var settings = new LoadBenchSettings { ScenarioNames = ["direct"], ResultsDirectory = Path.Combine(Path.GetTempPath(), "load-" + Guid.NewGuid().ToString("N")) };
        try
        {
            var (json, svg) = await LoadBenchCommand.WriteResultsAsync(settings, Result(settings), CancellationToken.None);

            var root = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(json)).RootElement;
            Assert.Equal("ChatStreams", root.GetProperty("systems")[0].GetProperty("system").GetString());
            Assert.Equal(80, root.GetProperty("systems")[0].GetProperty("scenarios")[0].GetProperty("phases")[0].GetProperty("latency").GetProperty("p99Ms").GetDouble());
            Assert.StartsWith("<svg", await File.ReadAllTextAsync(svg));
            Assert.Equal(4_020, root.GetProperty("cpuSpeed").GetProperty("after").GetProperty("bestMicroseconds").GetDouble());
        }
        finally
        {
            Directory.Delete(settings.ResultsDirectory, recursive: true);
        }
    }

    private static LoadBenchResult Result(LoadBenchSettings settings)
    {
        var tally = new DeliveryTally(8000, 8000, 0, 0, 0, 0, 0);
        LoadPhaseResult Phase(double rate, double p50, double p99, double max, double p95, double p999, double cores, double rss) =>
            new(rate, 10, (long)(rate * 10), (long)(rate * 10), tally with { Expected = (long)(rate * 100), Delivered = (long)(rate * 100) }, 0, [],
                new LatencySummary(1000, p50, p95, p99, p999, max),
                [new LatencyPoint(0, 10, p50, p99, max), new LatencyPoint(1, 0, 0, 0, 0), new LatencyPoint(2, 10, p50, p99, max)],
                new SystemUsage(cores, 0.4, 1.9, rss, 10));
        var direct = settings.Scenarios[0] with { Rate = 400 };
        var rising = LoadBenchSettings.FullScenarios.First(s => s.Name == "rising");
        var directPhase = Phase(400, 40, 80, 100, 60, 90, 1.2, 900) with { Deliveries = tally with { Expected = 8000, Delivered = 8000 } };
        var chat = new LoadSystemResult("ChatStreams", "up", 10, 1000, 10, 5,
        [
            new LoadScenarioResult(direct, [directPhase], null),
            new LoadScenarioResult(rising, [Phase(500, 20, 50, 60, 30, 55, 1, 900), Phase(1000, 30, 90, 95, 60, 92, 1.1, 900), Phase(2000, 40, 150, 100, 80, 120, 1.2, 900)], 1000),
        ]);
        var signalR = new LoadSystemResult("SignalR + Redis", "baseline", 5, 1000, 20, 2,
        [
            new LoadScenarioResult(direct, [Phase(400, 10, 20, 40, 15, 30, 0.6, 300) with { Deliveries = tally }], null),
            new LoadScenarioResult(rising, [Phase(500, 5, 10, 20, 8, 15, 0.5, 300), Phase(1000, 6, 12, 25, 9, 18, 0.6, 300), Phase(2000, 8, 20, 30, 12, 25, 0.8, 300)], 2000),
        ]);
        return new LoadBenchResult(new DateTime(2026, 12, 5), new MachineDescription(new DateOnly(2026, 12, 5), 2, "test CPU", "Linux", ".NET 10"),
            "0.5, 0.4, 0.3", "1.5, 1.0, 0.5", 100, false, [chat, signalR])
        {
            CpuSpeed = new CpuSpeedProbes(new CpuSpeedProbe(3_100, 3_250), new CpuSpeedProbe(4_020, 4_400)),
        };
    }
}
