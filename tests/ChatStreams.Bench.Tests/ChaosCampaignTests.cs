using ChatStreams.Bench.Chaos;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Tests;

/// <summary>
/// The fault campaign's own logic (fault order, settings, report). The campaign itself runs as
/// `chatstreams-bench chaos` (see docs/reliability.md) and in short form as <see cref="ChaosRunTests"/>.
/// </summary>
public class ChaosCampaignTests
{
    [Fact]
    public void The_first_round_of_faults_has_every_kind_and_the_second_instance_joins_before_it_is_killed()
    {
        var schedule = FaultKinds.Schedule(11, seed: 7);

        Assert.Equal(Enum.GetValues<FaultKind>().Order(), schedule.Distinct().Order());
        Assert.True(schedule.ToList().IndexOf(FaultKind.Rebalance) < schedule.ToList().IndexOf(FaultKind.SecondTopologyInstance));
        Assert.Equal(FaultKinds.Schedule(30, seed: 7), FaultKinds.Schedule(30, seed: 7));
    }

    [Fact]
    public void Edge_kills_alternate_between_the_edges_and_sinks_are_named_as_up_runs_them()
    {
        Assert.Equal("edge-0", FaultKinds.UpChild(FaultKind.Edge, 0, edges: 2));
        Assert.Equal("edge-1", FaultKinds.UpChild(FaultKind.Edge, 1, edges: 2));
        Assert.Equal("sink-analytics", FaultKinds.UpChild(FaultKind.SinkAnalytics, 0, edges: 2));
        Assert.Null(FaultKinds.UpChild(FaultKind.Broker, 0, edges: 2));
    }

    [Fact]
    public void Settings_out_of_range_are_refused_with_the_option_named()
    {
        var problems = (ChaosSettings.QuickDefaults with { Rate = 0, GroupSize = 2, BrokerDropAfterRate = 0.5 }).Problems();

        Assert.Contains(problems, p => p.Contains("--rate"));
        Assert.Contains(problems, p => p.Contains("--group-size"));
        Assert.Contains(problems, p => p.Contains("--broker-drop-after"));
        Assert.Empty(ChaosSettings.QuickDefaults.Problems());
    }

    [Fact]
    public void The_report_says_failed_and_why_when_a_check_failed()
    {
        var verdict = new ChaosVerdict
        {
            Settings = ChaosSettings.QuickDefaults,
            Sent = 10,
            Acked = 10,
            Problems = ["device streams: 3 lost, 0 duplicated, 0 out of order, 0 unexpected"],
            Recoveries = [new FaultRecovery(FaultKind.Broker, 1, 2500, 2500, 0)],
            ErrorCodes = new Dictionary<string, int> { ["unavailable"] = 2 },
        };

        var markdown = new ChaosReport(verdict, MachineDescription.Current(), "chaos --quick").ToMarkdown();

        Assert.StartsWith(ChaosReport.Heading, markdown);
        Assert.Contains("| broker killed | 1 | 2,500 / 2,500 |", markdown);
        Assert.Contains("**Result: FAILED** — device streams: 3 lost", markdown);
        Assert.Contains("unavailable × 2", markdown);
    }
}
