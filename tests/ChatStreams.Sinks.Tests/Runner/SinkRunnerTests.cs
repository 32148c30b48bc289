using System.Text;
using ChatStreams.Kafka;
using ChatStreams.Sinks.Tests.Support;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Sinks.Tests.Runner;

/// <summary>The runner on the embedded broker with a writer that fails at first and checks, at every write, what the group had committed.</summary>
public sealed class SinkRunnerTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private const int Partitions = 2;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Offsets_are_committed_only_after_the_batch_is_written_and_a_failed_write_is_retried()
    {
        var topic = $"sink-test-{Guid.NewGuid():N}";
        await kafka.CreateTopicAsync(topic, Partitions);
        var values = Enumerable.Range(0, 60).Select(i => i == 17 ? "poison" : $"record-{i}").ToList();
        var ends = Produce(topic, values);
        var options = new SinkOptions
        {
            BatchSize = 7, BatchLinger = TimeSpan.FromMilliseconds(20), RetryBackoff = TimeSpan.FromMilliseconds(20), GroupIdPrefix = $"test-{Guid.NewGuid():N}-",
        };
        var writer = new CheckingWriter(kafka, options.GroupIdPrefix + "raw", topic, failFirst: 3);
        var runner = new SinkRunner<RawRecord>("raw", new RawDecoder(topic), writer, kafka.Kafka, options, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);

        await PollAsync(async () => (await kafka.CommittedAsync(runner.GroupId, topic, Partitions)).OrderBy(p => p.Key).SequenceEqual(ends.OrderBy(p => p.Key)));
        await stop.CancelAsync();
        await running;

        Assert.Empty(writer.Violations);
        Assert.Equal(3, writer.Failures);
        Assert.Null(runner.Problem); // the store took the later batches
        // Every readable record once, the poison record nowhere: it was skipped and committed past.
        Assert.Equal(values.Where(v => v != "poison").Order(StringComparer.Ordinal), writer.Written.Select(r => r.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task While_the_store_is_down_nothing_is_committed()
    {
        var topic = $"sink-test-{Guid.NewGuid():N}";
        await kafka.CreateTopicAsync(topic, Partitions);
        Produce(topic, ["a", "b", "c"]);
        var options = new SinkOptions { BatchLinger = TimeSpan.FromMilliseconds(20), RetryBackoff = TimeSpan.FromMilliseconds(20), RetryBackoffMax = TimeSpan.FromMilliseconds(50), GroupIdPrefix = $"test-{Guid.NewGuid():N}-" };
        var writer = new CheckingWriter(kafka, options.GroupIdPrefix + "raw", topic, failFirst: int.MaxValue);
        var runner = new SinkRunner<RawRecord>("raw", new RawDecoder(topic), writer, kafka.Kafka, options, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);

        await PollAsync(() => Task.FromResult(writer.Failures >= 5));
        // What /readyz of the sink's process reports meanwhile.
        Assert.Contains("the store refused the last batch", runner.Problem);
        Assert.Contains("store unavailable", runner.Problem);
        await stop.CancelAsync();
        await running;

        Assert.Empty(await kafka.CommittedAsync(runner.GroupId, topic, Partitions));
        Assert.Empty(writer.Written);
    }

    [Fact]
    public async Task A_pattern_subscription_reads_matching_topics_and_picks_up_one_created_later()
    {
        var prefix = $"pattern-{Guid.NewGuid():N}";
        await kafka.CreateTopicAsync($"{prefix}.edge-1", Partitions);
        await kafka.CreateTopicAsync($"other-{prefix}.edge-1", Partitions); // matches the name but not the anchored pattern
        Produce($"{prefix}.edge-1", ["first-1", "first-2"]);
        Produce($"other-{prefix}.edge-1", ["other"]);
        var options = new SinkOptions
        {
            BatchLinger = TimeSpan.FromMilliseconds(20), GroupIdPrefix = $"test-{Guid.NewGuid():N}-", TopicPatternRefresh = TimeSpan.FromMilliseconds(500),
        };
        var writer = new CheckingWriter(kafka, options.GroupIdPrefix + "raw", $"{prefix}.edge-1", failFirst: 0);
        var runner = new SinkRunner<RawRecord>("raw", new RawDecoder($"^{prefix}\\..+"), writer, kafka.Kafka, options, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);

        await PollAsync(() => Task.FromResult(writer.Written.Count == 2));
        await kafka.CreateTopicAsync($"{prefix}.edge-2", Partitions); // a new edge starts while the sink runs
        Produce($"{prefix}.edge-2", ["second-1", "second-2", "second-3"]);
        await PollAsync(() => Task.FromResult(writer.Written.Count == 5));
        await stop.CancelAsync();
        await running;

        Assert.Equal(["first-1", "first-2", "second-1", "second-2", "second-3"], writer.Written.Select(r => r.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_sink_started_before_any_matching_topic_exists_waits_for_one_instead_of_stopping()
    {
        var prefix = $"later-{Guid.NewGuid():N}";
        var options = new SinkOptions
        {
            BatchLinger = TimeSpan.FromMilliseconds(20), GroupIdPrefix = $"test-{Guid.NewGuid():N}-", TopicPatternRefresh = TimeSpan.FromMilliseconds(500),
        };
        var writer = new CheckingWriter(kafka, options.GroupIdPrefix + "raw", $"{prefix}.edge-1", failFirst: 0);
        var runner = new SinkRunner<RawRecord>("raw", new RawDecoder($"^{prefix}\\..+"), writer, kafka.Kafka, options, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(2)); // no topic matches yet: librdkafka reports it as a consume error
        Assert.False(running.IsCompleted, running.Exception?.ToString());
        await kafka.CreateTopicAsync($"{prefix}.edge-1", Partitions); // the first edge starts
        Produce($"{prefix}.edge-1", ["one", "two"]);
        await PollAsync(() => Task.FromResult(writer.Written.Count == 2));
        await stop.CancelAsync();
        await running;
    }

    private Dictionary<int, long> Produce(string topic, IReadOnlyList<string> values)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]>(KafkaClientConfigs.Producer(kafka.Kafka, "sink-test")).Build();
        for (var i = 0; i < values.Count; i++)
            producer.Produce(new TopicPartition(topic, i % Partitions), new Message<byte[]?, byte[]> { Value = Encoding.UTF8.GetBytes(values[i]) });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        return Enumerable.Range(0, Partitions).ToDictionary(p => p, p => (long)values.Where((_, i) => i % Partitions == p).Count());
    }

    private static async Task PollAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"condition not met within {Deadline.TotalSeconds} s");
            await Task.Delay(50);
        }
    }

    private sealed record RawRecord(int Partition, long Offset, string Value);

    private sealed class RawDecoder(string topic) : ISinkDecoder<RawRecord>
    {
        public IReadOnlyList<string> Topics { get; } = [topic];

        public Task<RawRecord?> DecodeAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken ct)
        {
            var value = Encoding.UTF8.GetString(record.Message.Value!);
            if (value == "poison") throw new UnreadableRecordException("not a record");
            return Task.FromResult<RawRecord?>(new RawRecord(record.Partition.Value, record.Offset.Value, value));
        }
    }

    /// <summary>Fails the first writes; at every write, notes any record whose offset the group had already committed past.</summary>
    private sealed class CheckingWriter(KafkaFixture kafka, string group, string topic, int failFirst) : ISinkWriter<RawRecord>
    {
        private readonly List<RawRecord> _written = [];
        private readonly List<string> _violations = [];
        private int _calls;
        private int _failures;

        public int Failures => Volatile.Read(ref _failures);

        public IReadOnlyList<RawRecord> Written { get { lock (_written) return [.. _written]; } }

        public IReadOnlyList<string> Violations { get { lock (_written) return [.. _violations]; } }

        public async Task WriteAsync(IReadOnlyList<RawRecord> batch, CancellationToken ct)
        {
            var committed = await kafka.CommittedAsync(group, topic, Partitions);
            lock (_written)
                foreach (var r in batch)
                    if (committed.TryGetValue(r.Partition, out var offset) && offset > r.Offset)
                        _violations.Add($"{r.Value} at {r.Partition}@{r.Offset} was committed ({offset}) before it was written");
            if (Interlocked.Increment(ref _calls) <= failFirst)
            {
                Interlocked.Increment(ref _failures);
                throw new IOException("store unavailable");
            }
            lock (_written) _written.AddRange(batch);
        }
    }
}
