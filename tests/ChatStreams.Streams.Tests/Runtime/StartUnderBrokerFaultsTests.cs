using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Tests.Runtime.Support;
using ChatStreams.Streams.Worker;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>
/// An instance starting while the broker drops one request in ten (as a second topology instance joins during the
/// chaos campaign) must get to Running, not fail. Two ways it did not: a metadata request at start whose connection
/// broke stopped the instance (Error, the process exited 1), and a stream thread whose first subscription metadata was
/// lost stayed unassigned until librdkafka's periodic refresh, 5 minutes later.
/// </summary>
public sealed class StartUnderBrokerFaultsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TestOutputLoggerFactory _loggers = new(output);

    [Theory]
    // Seeds whose dice fault one of the first four requests (a start takes dozens).
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(7)]
    public async Task An_instance_starts_and_every_thread_joins_while_the_broker_drops_requests(int seed)
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("faulty-words", 4);
        await kafka.CreateTopicAsync("faulty-counts", 4);
        kafka.Faults.Seed = seed;
        kafka.Faults.DelayMs = 150;
        kafka.Faults.DropBeforeRate = 0.05;
        kafka.Faults.DropAfterRate = 0.05;
        kafka.Faults.DelayRate = 0.02;
        await using var streams = new KafkaStreams(CountTopology.Build("faulty-words", "faulty-counts", persistentStore: true),
            kafka.Config("faulty-app", state.Path, c =>
            {
                c.NumStreamThreads = 2;
                c.TransactionCallTimeout = TimeSpan.FromSeconds(3);
            }), _loggers);

        await streams.StartAsync();
        await Eventually.StateAsync(streams, KafkaStreamsState.Running, Patience);

        var injected = kafka.InjectedFaults;
        Assert.True(injected.DropBefore + injected.DropAfter + injected.Delays > 0, $"no fault was injected ({injected}): the test did not exercise them");
        Assert.Null(streams.FatalError);
        Assert.All(streams.LocalThreadsMetadata(), thread => Assert.Equal(StreamThreadState.Running, thread.State));
    }
}
