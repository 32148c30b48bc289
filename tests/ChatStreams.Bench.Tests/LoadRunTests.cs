using ChatStreams.Bench.Load;

namespace ChatStreams.Bench.Tests;

/// <summary>
/// A short real run of the load generator against both systems, each started on free loopback ports: ChatStreams must
/// deliver every message once and in order, through a reconnect storm too; the baseline must never duplicate (it may lose).
/// Only behaviour is asserted, never speed.
/// </summary>
[Collection(WholeSystemRuns.Name)]
public class LoadRunTests
{
    private static readonly LoadBenchSettings Settings = new()
    {
        Catalog =
        [
            new LoadScenario("direct", "direct chats", 2, 3, 2, 12, 3),
            new LoadScenario("reconnect", "reconnect storm", 5, 2, 5, 10, 4, DropFraction: 0.2),
        ],
        ScenarioNames = ["direct", "reconnect"],
        // The smoke test's short warm-up, not the full run's 30 s.
        Quick = true,
    };

    [Fact]
    public async Task ChatStreams_delivers_every_message_once_in_order_through_a_reconnect_storm()
    {
        await using var system = new ChatStreamsLoadSystem();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));

        var result = await new LoadBenchmark(Settings, TextWriter.Null).RunAsync(system, timeout.Token);

        Assert.Equal(2, result.Scenarios.Count);
        foreach (var phase in result.Scenarios.SelectMany(s => s.Phases))
        {
            Assert.True(phase.Deliveries.Expected > 0);
            Assert.Equal(0, phase.Deliveries.Lost);
            Assert.Equal(0, phase.Deliveries.Duplicates);
            Assert.Equal(0, phase.Deliveries.OutOfOrder);
            Assert.Equal(0, phase.Deliveries.Unexpected);
            Assert.Empty(phase.ErrorSamples);
            Assert.Equal(phase.Sent, phase.Accepted);
            Assert.Equal(phase.Deliveries.Delivered, phase.Latency.Samples);
        }
    }

    [Fact]
    public async Task The_SignalR_baseline_delivers_without_duplicates_and_its_losses_are_counted()
    {
        await using var system = new SignalRLoadSystem();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        var result = await new LoadBenchmark(Settings, TextWriter.Null).RunAsync(system, timeout.Token);

        var direct = result.Scenarios[0].Headline;
        Assert.True(direct.Deliveries.Clean, $"direct: {direct.Deliveries}");
        Assert.Equal(direct.Sent, direct.Accepted);
        var storm = result.Scenarios[1].Headline;
        Assert.Equal(0, storm.Deliveries.Duplicates);
        Assert.Equal(storm.Deliveries.Expected, storm.Deliveries.Delivered + storm.Deliveries.Lost);
    }
}
