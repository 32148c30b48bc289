using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;
using ChatStreams.Streams.Tests.Runtime.Support;
using ChatStreams.Streams.Worker;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>
/// Under exactly-once a task's outputs are visible only after its commit. A thread that has processed everything it
/// fetched commits after Streams:IdleCommitIntervalMs instead of waiting out Streams:CommitIntervalMs; -1 turns that off.
/// Only a transaction with outputs commits early: nobody waits for offsets and changelog writes alone.
/// </summary>
public sealed class IdleCommitTests(ITestOutputHelper output)
{
    private readonly TestOutputLoggerFactory _loggers = new(output);
    // Far longer than any wait below: an output seen before it was committed by the idle commit, not the interval.
    private const int LongCommitIntervalMs = 600_000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_idle_thread_commits_each_burst_without_waiting_for_the_commit_interval()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await using var streams = await StartCountingAsync(kafka, state, idleCommitIntervalMs: 0);

        // Two bursts: each is committed on its own, so the second does not ride on a commit of the first.
        for (var burst = 1; burst <= 2; burst++)
        {
            kafka.Produce("words", Enumerable.Range(0, 50).Select(i => ($"k{i % 5}", $"b{burst}-{i}")));
            var counts = kafka.ReadCommitted("counts-out", 50 * burst, Patience);
            Assert.Equal(50 * burst, counts.Count);
        }
        Assert.Equal(0, _loggers.Errors);
    }

    [Fact]
    public async Task Without_the_idle_commit_outputs_wait_for_the_commit_interval()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await using var streams = await StartCountingAsync(kafka, state, idleCommitIntervalMs: -1);

        kafka.Produce("words", Enumerable.Range(0, 50).Select(i => ($"k{i % 5}", $"v{i}")));
        // The records are processed at once (the changelog-less count has nothing to restore) but stay uncommitted.
        Assert.Empty(kafka.ReadCommitted("counts-out", 50, TimeSpan.FromSeconds(5)));
        // A clean close commits them.
        Assert.True(await streams.CloseAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(50, kafka.ReadCommitted("counts-out", 50, Patience).Count);
    }

    [Fact]
    public async Task A_transaction_without_outputs_waits_for_the_commit_interval()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("words", 2);
        // Counts into a changelogged store and forwards nothing: its transactions hold changelog writes and offsets only.
        var processed = new SilentTally.Counter();
        var topology = new Topology()
            .AddSource("input", Serdes.String, Serdes.String, "words")
            .AddProcessor<string, string, string, string>("tally", () => new SilentTally(processed), "input")
            .AddStateStore(Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore(SilentTally.StoreName), Serdes.String, Serdes.Long), "tally");
        await using var streams = new KafkaStreams(topology, kafka.Config("tally-app", state.Path, c =>
        {
            c.CommitIntervalMs = LongCommitIntervalMs;
            c.IdleCommitIntervalMs = 0;
        }), _loggers);
        await streams.StartAsync();
        await Eventually.StateAsync(streams, KafkaStreamsState.Running, Patience);

        kafka.Produce("words", Enumerable.Range(0, 50).Select(i => ($"k{i % 5}", $"v{i}")));
        await Eventually.TrueAsync(() => processed.Value == 50, Patience, "all 50 records processed");
        // Far shorter than the broker's transaction timeout, which would abort the open transaction.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(0, await kafka.CommittedAsync("tally-app", "words"));
        // The interval (here: the clean close) commits them.
        Assert.True(await streams.CloseAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(50, await kafka.CommittedAsync("tally-app", "words"));
        Assert.Equal(0, _loggers.Errors);
    }

    [Fact]
    public async Task A_thread_waiting_for_its_idle_commit_sleeps_instead_of_polling()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        using var metrics = new MetricsCapture("count-app");
        await using var streams = await StartCountingAsync(kafka, state, idleCommitIntervalMs: 50);

        // Records every few milliseconds, far faster than the idle commit (50 ms here): the thread processes each as it
        // comes and waits for the commit in between. Confluent.Kafka truncates a poll's timeout to whole milliseconds, so the last
        // fraction of each such wait used to be spent in polls that return at once: hundreds per commit.
        const int records = 300;
        using (var producer = kafka.StringProducer())
        {
            for (var i = 0; i < records; i++)
            {
                EmbeddedKafka.Produce(producer, "words", [($"k{i % 5}", $"v{i}")]);
                await Task.Delay(3);
            }
        }
        Assert.Equal(records, kafka.ReadCommitted("counts-out", records, Patience).Count);
        Assert.True(await streams.CloseAsync(TimeSpan.FromSeconds(30)));

        var polls = metrics.Sum("chatstreams.streams.polls");
        var commits = metrics.Of("chatstreams.streams.commit.latency").Count;
        output.WriteLine($"{polls} polls for {records} records and {commits} commits");
        Assert.True(commits >= 2, $"the trickle was committed in {commits} commits");
        // About a poll for each record and one or two for each commit (the wait for it), ten a second while idle.
        Assert.True(polls <= 5 * (records + commits), $"{polls} polls for {records} records and {commits} commits: the thread spins");
        Assert.Equal(0, _loggers.Errors);
    }

    private sealed class SilentTally(SilentTally.Counter processed) : IProcessor<string, string, string, string>
    {
        public const string StoreName = "tallies";
        private IKeyValueStore<string, long> _tallies = null!;

        public sealed class Counter
        {
            private int _value;
            public int Value => Volatile.Read(ref _value);
            public void Increment() => Interlocked.Increment(ref _value);
        }

        public void Init(IProcessorContext<string, string> context) => _tallies = context.GetStateStore<IKeyValueStore<string, long>>(StoreName);

        public void Process(Record<string, string> record)
        {
            _tallies.Put(record.Key, _tallies.TryGet(record.Key, out var old) ? old + 1 : 1);
            processed.Increment();
        }
    }

    /// <summary>The count application (words → counts-out, exactly-once) with a commit interval no test outlasts.</summary>
    private async Task<KafkaStreams> StartCountingAsync(EmbeddedKafka kafka, TempDirectory state, int idleCommitIntervalMs)
    {
        await kafka.CreateTopicAsync("words", 2);
        await kafka.CreateTopicAsync("counts-out", 2);
        var streams = new KafkaStreams(CountTopology.Build("words", "counts-out", false),
            kafka.Config("count-app", state.Path, c =>
            {
                c.CommitIntervalMs = LongCommitIntervalMs;
                c.IdleCommitIntervalMs = idleCommitIntervalMs;
            }), _loggers);
        await streams.StartAsync();
        await Eventually.StateAsync(streams, KafkaStreamsState.Running, Patience);
        return streams;
    }
}
