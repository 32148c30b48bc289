using System.Collections.Concurrent;
using System.Text;
using ChatStreams.Kafka;
using ChatStreams.Kafka.Generations;
using ChatStreams.Streams.Generations;
using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;
using ChatStreams.Streams.Tests.Runtime.Support;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Generations;

/// <summary>
/// The rescale procedure on the embedded broker with a real stateful application (a per-key count, which shows any
/// lost, repeated or reordered record and any state that did not move with its key): records flow the whole time
/// through a producer that follows the generation record, the procedure is interrupted ("crashes") at several points
/// and run again, and every key's counts must still be 1..n exactly once and in order across both generations.
/// </summary>
public sealed class PartitionRescaleTests(ITestOutputHelper output)
{
    private const string Words = "words";
    private const string Tallies = "tallies";
    private const string Application = "tally";
    private const int Keys = 40;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly TestOutputLoggerFactory _loggers = new(output);

    [Fact]
    public async Task A_rescale_interrupted_at_several_points_resumes_and_every_key_is_counted_once_in_order()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var dirs = new TempDirectory();
        await kafka.CreateTopicAsync(Words, 6);
        await kafka.CreateTopicAsync(Tallies, 6);
        var options = new KafkaOptions { BootstrapServers = kafka.BootstrapServers };

        await using var processorsWatcher = new TopicGenerationWatcher(options, "processors", Words, 6);
        await processorsWatcher.StartAsync();
        await using var application = new GenerationalApplication(processorsWatcher,
            g => (CountTopology(g), kafka.Config(TopicGenerations.ApplicationId(Application, g), dirs.Sub($"g{g}"))), _loggers);
        await application.StartAsync();

        await using var producerWatcher = new TopicGenerationWatcher(options, "producer", Words, 6);
        await producerWatcher.StartAsync();
        var generation = new ProducerGeneration(producerWatcher, "producer-1");
        await generation.StartAsync();
        using var flow = new RecordFlow(kafka.StringProducer(), generation);
        await Eventually.TrueAsync(() => flow.Produced > 500, Patience, "records flowing");

        // Interrupted right after recording Switching (before the markers), in the middle of the state migration (its
        // transaction is aborted) and right after recording Migrated; each time the same command is simply run again.
        var crashes = new Queue<Func<RescaleProgress, bool>>(
        [
            p => p.Message == "phase Switching recorded",
            p => p.Message.StartsWith("re-keyed", StringComparison.Ordinal),
            p => p.Message == "phase Migrated recorded",
        ]);
        var rescale = new PartitionRescale(options, new RescaleOptions { DrainTimeout = Patience });
        RescaleResult? result = null;
        for (var attempt = 1; result is null; attempt++)
        {
            Assert.True(attempt <= 4, "the rescale did not finish after three interruptions");
            var crashAt = crashes.Count > 0 ? crashes.Dequeue() : null;
            try
            {
                result = await rescale.RunAsync(Words, Application, 12, new CrashingProgress(output, crashAt));
            }
            catch (SimulatedCrash crash)
            {
                output.WriteLine($"attempt {attempt}: crashed at '{crash.Message}'");
            }
        }
        output.WriteLine($"held {result.Held.TotalSeconds:0.00} s, caught up {result.UntilCaughtUp.TotalSeconds:0.00} s after the switch");

        // More records after the rescale, then the flow stops and everything must be counted exactly once, in order.
        var after = flow.Produced;
        await Eventually.TrueAsync(() => flow.Produced > after + 500, Patience, "records flowing after the rescale");
        var produced = await flow.StopAsync();
        Assert.Equal(2, result.Generation);
        Assert.Equal(12, kafka.Topics()[TopicGenerations.TopicName(Words, 2)]);
        Assert.True(flow.ByGeneration.GetValueOrDefault(1) > 0 && flow.ByGeneration.GetValueOrDefault(2) > 0, "records must have gone to both generations");
        var tallies = kafka.ReadCommitted(Tallies, produced.Values.Sum(), Patience);
        CountOutput.AssertExactlyOnce(tallies, produced);

        // The old generation's markers were each passed once and no new-generation record was processed before the release.
        Assert.Equal(RescalePhase.Stable, processorsWatcher.Current.Phase);
        Assert.Equal([1, 2], application.Instances.Keys.Order());
        Assert.Equal(0, _loggers.Errors);
    }

    [Fact]
    public async Task A_rescale_to_no_more_partitions_is_refused_and_so_is_another_target_while_one_is_in_progress()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        await kafka.CreateTopicAsync(Words, 6);
        var options = new KafkaOptions { BootstrapServers = kafka.BootstrapServers };
        var rescale = new PartitionRescale(options, new RescaleOptions { ProducerWait = TimeSpan.FromSeconds(1), DrainTimeout = TimeSpan.FromSeconds(2) });

        var same = await Assert.ThrowsAsync<RescaleRefusedException>(() => rescale.RunAsync(Words, Application, 6));
        Assert.Contains("already has 6 partitions", same.Message);
        await Assert.ThrowsAsync<RescaleRefusedException>(() => rescale.RunAsync(Words, Application, 3));
        var missing = await Assert.ThrowsAsync<RescaleRefusedException>(() => rescale.RunAsync("nope", Application, 12));
        Assert.Contains("does not exist", missing.Message);

        // No application consumes: the procedure stops waiting for the drain, and the rescale stays in progress.
        await Assert.ThrowsAsync<TimeoutException>(() => rescale.RunAsync(Words, Application, 12));
        var other = await Assert.ThrowsAsync<RescaleRefusedException>(() => rescale.RunAsync(Words, Application, 24));
        Assert.Contains("--to 12", other.Message);
        Assert.Equal(12, kafka.Topics()[TopicGenerations.TopicName(Words, 2)]);
    }

    /// <summary>Count per key (the runtime's canonical exactly-once topology) behind the cutover gate of generation <paramref name="generation"/>.</summary>
    private static Topology CountTopology(int generation) => new Topology()
        .AddSource("input", Serdes.String, Serdes.String, TopicGenerations.TopicName(Words, generation))
        .AddGenerationCutover("gate", "input", "count", TopicGenerations.TopicName(Words, generation + 1), Serdes.String, Serdes.String)
        .AddProcessor<string, string, string, string>("count", () => new Count(), "gate")
        .AddStateStore(Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("counts"), Serdes.String, Serdes.Long), "count")
        .AddSink("output", Tallies, Serdes.String, Serdes.String, "count");

    private sealed class Count : IProcessor<string, string, string, string>
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
            _context.Forward(record.WithValue($"{record.Key}:{count}"));
        }
    }

    /// <summary>Produces k0..k39 round and round, each record to the generation its lease names, until stopped.</summary>
    private sealed class RecordFlow : IDisposable
    {
        private readonly IProducer<string, string> _producer;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly Dictionary<string, int> _perKey = [];
        private int _produced;
        private int _failed;

        public RecordFlow(IProducer<string, string> producer, ProducerGeneration generation)
        {
            _producer = producer;
            _loop = Task.Run(async () =>
            {
                for (var i = 0; !_stop.IsCancellationRequested; i++)
                {
                    var key = $"k{i % Keys}";
                    var lease = generation.Acquire();
                    _producer.Produce(lease.Topic, new Message<string, string> { Key = key, Value = $"v{i}" }, report =>
                    {
                        lease.Dispose();
                        if (report.Error.IsError) Interlocked.Increment(ref _failed);
                    });
                    _perKey[key] = _perKey.GetValueOrDefault(key) + 1;
                    ByGeneration.AddOrUpdate(lease.Generation, 1, (_, n) => n + 1);
                    Interlocked.Increment(ref _produced);
                    if (i % 20 == 19) await Task.Delay(10);
                }
            });
        }

        public int Produced => Volatile.Read(ref _produced);

        public ConcurrentDictionary<int, int> ByGeneration { get; } = new();

        public async Task<Dictionary<string, int>> StopAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _producer.Flush(TimeSpan.FromSeconds(30));
            Assert.Equal(0, Volatile.Read(ref _failed));
            return new Dictionary<string, int>(_perKey);
        }

        public void Dispose()
        {
            _stop.Cancel();
            _producer.Dispose();
        }
    }

    private sealed class SimulatedCrash(string message) : Exception(message);

    private sealed class CrashingProgress(ITestOutputHelper output, Func<RescaleProgress, bool>? crashAt) : IProgress<RescaleProgress>
    {
        public void Report(RescaleProgress value)
        {
            output.WriteLine($"  {value.Phase}: {value.Message}");
            if (crashAt?.Invoke(value) == true) throw new SimulatedCrash(value.Message);
        }
    }
}
