using ChatStreams.Kafka.Broker.Server;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Kafka.Broker.Tests.Server;

/// <summary>The fault dice follow the seed even when faults are switched on after the broker started (as tests do).</summary>
public sealed class RequestFaultDiceTests
{
    private static List<RequestFault> Rolls(RequestFaultOptions options, int count)
    {
        var faults = new RequestFaults(options, NullLogger.Instance);
        options.Seed = 5;
        options.DropBeforeRate = options.DropAfterRate = options.DelayRate = 0.1;
        return Enumerable.Range(0, count).Select(_ => faults.Roll("conn-1")).ToList();
    }

    [Fact]
    public void A_seed_set_after_start_picks_the_same_faults_every_time()
    {
        var first = Rolls(new RequestFaultOptions(), 200);
        var second = Rolls(new RequestFaultOptions(), 200);

        Assert.Equal(first, second);
        Assert.Contains(RequestFault.DropBefore, first);
        Assert.Contains(RequestFault.DropAfter, first);
        Assert.Contains(RequestFault.Delay, first);
    }

    [Fact]
    public void Nothing_is_rolled_or_counted_while_faults_are_off()
    {
        var faults = new RequestFaults(new RequestFaultOptions { Seed = 5 }, NullLogger.Instance);

        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(RequestFault.None, faults.Roll("conn-1")));
        Assert.Equal((0L, 0L, 0L), faults.Injected);
    }
}
