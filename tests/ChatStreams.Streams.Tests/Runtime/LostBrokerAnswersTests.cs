using ChatStreams.Streams.Tests.Runtime.Support;
using ChatStreams.Streams.Worker;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>
/// Commits while the broker loses requests and answers: a lost produce answer is retried by the idempotent producer,
/// a lost transactional call is retried or (librdkafka#5456: send_offsets_to_transaction then never returns) outlives
/// its deadline, so the thread gives its producer up, aborts and rebuilds its tasks. Whatever fails, the output stays
/// exactly once.
/// </summary>
public sealed class LostBrokerAnswersTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(150);
    private readonly TestOutputLoggerFactory _loggers = new(output);

    [Fact]
    public async Task Exactly_once_count_stays_exactly_once_when_the_broker_drops_and_delays_requests_and_answers()
    {
        const int records = 3000, keys = 40;
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("lossy-words", 4);
        await kafka.CreateTopicAsync("lossy-counts", 4);
        using var metrics = new MetricsCapture("lossy-app");
        await using var streams = new KafkaStreams(CountTopology.Build("lossy-words", "lossy-counts", persistentStore: true),
            kafka.Config("lossy-app", state.Path, c => c.TransactionCallTimeout = TimeSpan.FromSeconds(3)), _loggers);
        await streams.StartAsync();
        await Eventually.StateAsync(streams, KafkaStreamsState.Running, Patience);

        kafka.Faults.Seed = 11;
        kafka.Faults.DelayMs = 150;
        kafka.Faults.DropBeforeRate = 0.01;
        kafka.Faults.DropAfterRate = 0.01;
        kafka.Faults.DelayRate = 0.02;
        // Small batches, each after a commit since the one before, so the run spans many commits while the faults last
        // (however long the thread spends recovering: a fixed pause let one stall swallow the whole input in 3 commits).
        for (var batch = 0; batch < 30; batch++)
        {
            var first = batch * records / 30;
            var committed = metrics.Sum("chatstreams.streams.commits");
            kafka.Produce("lossy-words", Enumerable.Range(first, records / 30).Select(i => ($"k{i % keys}", $"v{i}")));
            await Eventually.TrueAsync(() => metrics.Sum("chatstreams.streams.commits") > committed, Patience, $"a commit after batch {batch}");
        }
        // The faults end with the input: the verifier's own reads are not what this test is about.
        var injected = kafka.InjectedFaults;
        kafka.Faults.DropBeforeRate = kafka.Faults.DropAfterRate = kafka.Faults.DelayRate = 0;
        var counted = kafka.ReadCommitted("lossy-counts", records, Patience);

        CountOutput.AssertExactlyOnce(counted, Enumerable.Range(0, keys).ToDictionary(k => $"k{k}", _ => records / keys));
        Assert.True(injected.DropBefore > 0 && injected.DropAfter > 0 && injected.Delays > 0,
            $"not every kind of fault was injected ({injected}): the test did not exercise them");
        Assert.Null(streams.FatalError);
    }
}
