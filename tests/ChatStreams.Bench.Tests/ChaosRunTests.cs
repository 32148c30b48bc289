using ChatStreams.Bench.Chaos;

namespace ChatStreams.Bench.Tests;

/// <summary>
/// The fault campaign in short form, run by the test command: the embedded broker on its own with request faults, `up`
/// on it, 16 reconnecting clients, and every kind of fault once (kill -9 of each edge, the gateway, each topology
/// instance, each sink and the broker; a rebalance; a reconnect storm). Every device must hold every message of its
/// conversations once and in order, and history, search and analytics must be complete. The long form is
/// `chatstreams-bench chaos` (docs/reliability.md). When it fails, the system's data and logs stay in the folder the
/// message names.
/// </summary>
[Collection(WholeSystemRuns.Name)]
public class ChaosRunTests
{
    [Fact]
    public async Task Nothing_is_lost_doubled_or_reordered_while_every_kind_of_process_is_killed()
    {
        var settings = ChaosSettings.QuickDefaults with
        {
            DurationSeconds = 55,
            FaultEverySeconds = 5,
            Rate = 12,
            Seed = 3,
            Quick = true,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(12));
        var progress = new StringWriter();

        var verdict = await new ChaosCampaign(settings, progress).RunAsync(timeout.Token);

        Assert.True(verdict.Passed, string.Join("\n", verdict.Problems) + "\n" + progress);
        Assert.True(verdict.Sent > 0);
        Assert.Equal(verdict.Sent, verdict.Acked);
        Assert.Equal(verdict.DeliveriesExpected, verdict.Delivered);
        Assert.Equal(0, verdict.Lost);
        Assert.Equal(0, verdict.Duplicated);
        // Every kind of fault was injected at least once (the broker's request faults are counted separately).
        Assert.True(Enum.GetValues<FaultKind>().Length == verdict.Recoveries.Count(r => r.Injected > 0),
            $"not every kind of fault was injected: {string.Join(", ", verdict.Recoveries.Select(r => $"{r.Kind} {r.Injected}"))}\n{progress}");
        Assert.True(verdict.BrokerRequestFaults > 0, "the broker injected no request faults");
    }
}
