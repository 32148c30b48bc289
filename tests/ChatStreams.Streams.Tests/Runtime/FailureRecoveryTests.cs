using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;
using ChatStreams.Streams.Tests.Runtime.Support;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>
/// A stream thread that fails (a processor throws, its producer is fenced) aborts, rebuilds its tasks from the
/// changelogs and continues exactly once; a failure that keeps coming back stops the application.
/// </summary>
public sealed class FailureRecoveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly TestOutputLoggerFactory _loggers = new(output);

    /// <summary>Counts per key like the count topology, but throws on records whose value is "boom" while <paramref name="failures"/> lasts.</summary>
    private sealed class FlakyCount(Func<bool> shouldThrow) : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        private IKeyValueStore<string, long> _counts = null!;

        public void Init(IProcessorContext<string, string> context)
        {
            _context = context;
            _counts = context.GetStateStore<IKeyValueStore<string, long>>("counts");
        }

        public void Process(Record<string, string> record)
        {
            var count = _counts.TryGet(record.Key, out var old) ? old + 1 : 1;
            _counts.Put(record.Key, count);
            // Thrown after the store write: the write must not survive into the rebuilt state.
            if (record.Value == "boom" && shouldThrow()) throw new InvalidOperationException("boom");
            _context.Forward(record.WithValue($"{record.Key}:{count}"));
        }
    }

    private static Topology FlakyTopology(Func<bool> shouldThrow) => new Topology()
        .AddSource("in", Serdes.String, Serdes.String, "jobs")
        .AddProcessor<string, string, string, string>("count", () => new FlakyCount(shouldThrow), "in")
        .AddStateStore(Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("counts"), Serdes.String, Serdes.Long), "count")
        .AddSink("out", "job-counts", Serdes.String, Serdes.String, "count");

    private static async Task<EmbeddedKafka> KafkaWithJobs(int count, int boomAt)
    {
        var kafka = await EmbeddedKafka.StartAsync();
        await kafka.CreateTopicAsync("jobs", 2);
        await kafka.CreateTopicAsync("job-counts", 2);
        kafka.Produce("jobs", Enumerable.Range(0, count).Select(i => ($"k{i % 20}", i == boomAt ? "boom" : $"j{i}")));
        return kafka;
    }

    [Fact]
    public async Task A_processor_that_fails_once_is_retried_from_the_last_commit_and_the_output_stays_exactly_once()
    {
        const int count = 4000;
        await using var kafka = await KafkaWithJobs(count, boomAt: 2500);
        using var state = new TempDirectory();
        using var metrics = new MetricsCapture("flaky");
        var thrown = 0;
        await using var streams = new KafkaStreams(FlakyTopology(() => Interlocked.Exchange(ref thrown, 1) == 0),
            kafka.Config("flaky", state.Path), _loggers);
        await streams.StartAsync();

        var counts = kafka.ReadCommitted("job-counts", count, Patience);

        CountOutput.AssertExactlyOnce(counts, Enumerable.Range(0, 20).ToDictionary(k => $"k{k}", _ => count / 20));
        Assert.Equal(1, thrown);
        Assert.Equal(1, metrics.Sum("chatstreams.streams.task.failures"));
        await Eventually.StateAsync(streams, KafkaStreamsState.Running, Patience);
        Assert.Null(streams.FatalError);
    }

    [Fact]
    public async Task A_processor_that_always_fails_stops_the_application_after_a_few_attempts()
    {
        await using var kafka = await KafkaWithJobs(200, boomAt: 100);
        using var state = new TempDirectory();
        var attempts = 0;
        await using var streams = new KafkaStreams(FlakyTopology(() => { Interlocked.Increment(ref attempts); return true; }),
            kafka.Config("doomed", state.Path), _loggers);
        await streams.StartAsync();

        await Eventually.StateAsync(streams, KafkaStreamsState.Error, Patience);

        var error = Assert.IsType<StreamThreadFailedException>(streams.FatalError);
        Assert.Contains("boom", error.Message);
        Assert.Equal(6, attempts); // the first try and 5 retries
        Assert.True(await kafka.CommittedAsync("doomed", "jobs") < 200);
    }

    [Fact]
    public async Task A_fenced_producer_is_replaced_and_processing_goes_on_exactly_once()
    {
        const int count = 6000;
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("jobs", 2);
        await kafka.CreateTopicAsync("job-counts", 2);
        using var metrics = new MetricsCapture("fenced");
        await using var streams = new KafkaStreams(FlakyTopology(() => false), kafka.Config("fenced", state.Path), _loggers);
        await streams.StartAsync();
        await Eventually.StateAsync(streams, KafkaStreamsState.Running, Patience);
        var transactionalId = streams.LocalThreadsMetadata().Single().TransactionalId!;

        using var producer = kafka.StringProducer();
        EmbeddedKafka.Produce(producer, "jobs", Enumerable.Range(0, count / 2).Select(i => ($"k{i % 20}", $"j{i}")));
        Assert.Equal(count / 2, kafka.ReadCommitted("job-counts", count / 2, Patience).Count);

        // A "zombie" takes the thread's transactional id: the broker bumps the epoch and fences the thread's producer.
        using (var zombie = new ProducerBuilder<string, string>(new ProducerConfig
               { BootstrapServers = kafka.BootstrapServers, TransactionalId = transactionalId }).Build())
            zombie.InitTransactions(TimeSpan.FromSeconds(30));
        EmbeddedKafka.Produce(producer, "jobs", Enumerable.Range(count / 2, count / 2).Select(i => ($"k{i % 20}", $"j{i}")));

        var counts = kafka.ReadCommitted("job-counts", count, Patience);
        CountOutput.AssertExactlyOnce(counts, Enumerable.Range(0, 20).ToDictionary(k => $"k{k}", _ => count / 20));
        Assert.True(metrics.Sum("chatstreams.streams.task.failures") >= 1, "the fencing was noticed");
        await Eventually.StateAsync(streams, KafkaStreamsState.Running, Patience);
    }
}
