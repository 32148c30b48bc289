using System.Text;
using ChatStreams.Kafka;
using ChatStreams.Sinks.Tests.Support;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Sinks.Tests.Runner;

/// <summary>
/// The read-your-writes wait the edges rely on: <see cref="SinkProgress"/> says the store caught up only once the
/// sink wrote everything produced before the question, including on topics written in transactions (whose commit
/// markers take offsets the sink never reads as records).
/// </summary>
public sealed class SinkProgressTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private const int Partitions = 3;

    [Fact]
    public async Task Caught_up_only_after_the_sink_wrote_everything_produced_before_the_question()
    {
        var topic = $"progress-{Guid.NewGuid():N}";
        await kafka.CreateTopicAsync(topic, Partitions);
        var options = new SinkOptions { BatchLinger = TimeSpan.FromMilliseconds(20), GroupIdPrefix = $"test-{Guid.NewGuid():N}-" };
        var writer = new GatedWriter();
        var runner = new SinkRunner<string>("gated", new TextDecoder(topic), writer, kafka.Kafka, options, NullLogger.Instance);
        using var progress = new SinkProgress(kafka.Kafka, options, "gated", topic, "progress-test", NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);

        // Written in transactions, as the topologies write chat.events: every partition ends with a commit marker.
        ProduceInTransaction(topic, Enumerable.Range(0, 30).Select(i => $"first-{i}").ToList());
        Assert.False(await progress.WaitAsync(TimeSpan.FromMilliseconds(500), default));

        writer.Open();
        Assert.True(await progress.WaitAsync(TimeSpan.FromSeconds(30), default));
        Assert.Equal(30, writer.Written.Count);

        // A second round: the answer is about what was produced before each question, not about the first round.
        writer.Close();
        ProduceInTransaction(topic, Enumerable.Range(0, 10).Select(i => $"second-{i}").ToList());
        Assert.False(await progress.WaitAsync(TimeSpan.FromMilliseconds(500), default));
        writer.Open();
        Assert.True(await progress.WaitAsync(TimeSpan.FromSeconds(30), default));
        Assert.Equal(40, writer.Written.Count);

        // The group committed each partition's end, markers included.
        var committed = await kafka.CommittedAsync(runner.GroupId, topic, Partitions);
        using var probe = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(kafka.Kafka, "progress-probe", "progress-probe")).Build();
        for (var p = 0; p < Partitions; p++)
            Assert.Equal(probe.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value, committed[p]);

        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task A_sink_that_never_ran_is_never_caught_up_with_a_topic_that_has_records()
    {
        var topic = $"progress-{Guid.NewGuid():N}";
        await kafka.CreateTopicAsync(topic, Partitions);
        ProduceInTransaction(topic, ["only"]);
        var options = new SinkOptions { GroupIdPrefix = $"test-{Guid.NewGuid():N}-" };
        using var progress = new SinkProgress(kafka.Kafka, options, "absent", topic, "progress-test", NullLogger.Instance);
        Assert.False(await progress.WaitAsync(TimeSpan.FromMilliseconds(300), default));
    }

    private void ProduceInTransaction(string topic, IReadOnlyList<string> values)
    {
        var config = KafkaClientConfigs.TransactionalProducer(kafka.Kafka, "progress-test", $"progress-{Guid.NewGuid():N}");
        using var producer = new ProducerBuilder<byte[]?, byte[]>(config).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        for (var i = 0; i < values.Count; i++)
            producer.Produce(new TopicPartition(topic, i % Partitions), new Message<byte[]?, byte[]> { Value = Encoding.UTF8.GetBytes(values[i]) });
        producer.CommitTransaction(TimeSpan.FromSeconds(30));
    }

    private sealed class TextDecoder(string topic) : ISinkDecoder<string>
    {
        public IReadOnlyList<string> Topics { get; } = [topic];

        public Task<string?> DecodeAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken ct) =>
            Task.FromResult<string?>(Encoding.UTF8.GetString(record.Message.Value!));
    }

    /// <summary>A store that refuses writes while closed (the runner retries), as a slow or absent store would.</summary>
    private sealed class GatedWriter : ISinkWriter<string>
    {
        private readonly List<string> _written = [];
        private volatile bool _open;

        public IReadOnlyList<string> Written { get { lock (_written) return [.. _written]; } }

        public void Open() => _open = true;

        public void Close() => _open = false;

        public Task WriteAsync(IReadOnlyList<string> batch, CancellationToken ct)
        {
            if (!_open) throw new IOException("store closed");
            lock (_written) _written.AddRange(batch);
            return Task.CompletedTask;
        }
    }
}
