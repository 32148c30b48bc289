using System.Text;
using ChatStreams.Kafka;
using ChatStreams.Kafka.Generations;
using ChatStreams.Sinks.Tests.Support;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Sinks.Tests.Runner;

/// <summary>
/// A sink reading a rescaled topic on the embedded broker (docs/operations.md, "Rescaling partitions"): chat.events.g2
/// already holds records when the sink starts, yet nothing of it is written before every partition of chat.events is
/// read past its cutover marker, and it is read as soon as that is so.
/// </summary>
public sealed class SinkGenerationsTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private const string Old = "chat.events";
    private const string New = "chat.events.g2";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_next_generation_is_written_only_after_the_sink_read_past_every_marker_of_the_one_before()
    {
        await kafka.CreateTopicAsync(Old, 2);
        await kafka.CreateTopicAsync(New, 4);
        using var log = new TopicGenerationLog(kafka.Kafka, "sink-generations-test");
        await log.EnsureTopicAsync();
        var prepared = new TopicGenerationState { Topic = Old, Partitions = 2, Phase = RescalePhase.Prepared, TargetPartitions = 4, Companions = ["chat.receipts"] };
        await log.WriteStateAsync(prepared);
        // The worst case for order: both generations already hold records of the same conversations when the sink starts.
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka.Kafka, "sink-generations-test")).Build();
        for (var i = 0; i < 40; i++) await Produce(producer, Old, i % 2, $"old-{i}");
        for (var i = 0; i < 40; i++) await Produce(producer, New, i % 4, $"new-{i}");

        var options = new SinkOptions { BatchLinger = TimeSpan.FromMilliseconds(20), GroupIdPrefix = $"test-{Guid.NewGuid():N}-" };
        var writer = new OrderWriter();
        var runner = new SinkRunner<string>("ordered", new ValueDecoder(), writer, kafka.Kafka, options, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(stop.Token);

        // No markers yet (the conversation topology still writes the old generation): only the old one is written.
        await PollAsync(() => writer.Written.Count(v => v.StartsWith("old-", StringComparison.Ordinal)) == 40);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.DoesNotContain(writer.Written, v => v.StartsWith("new-", StringComparison.Ordinal));

        // The rescale appends its markers and records them: the sink reads past them, then the new generation.
        var markers = new Dictionary<int, long>();
        for (var p = 0; p < 2; p++) markers[p] = (await producer.ProduceAsync(new TopicPartition(Old, p), CutoverMarker.Create(New))).Offset.Value;
        await log.WriteStateAsync(prepared with { Phase = RescalePhase.CutOver, Markers = markers, CutoverMarkers = new() { [Old] = markers } });
        await PollAsync(() => writer.Written.Count == 80);
        await stop.CancelAsync();
        await running;

        var written = writer.Written;
        var lastOld = written.FindLastIndex(v => v.StartsWith("old-", StringComparison.Ordinal));
        var firstNew = written.FindIndex(v => v.StartsWith("new-", StringComparison.Ordinal));
        Assert.True(lastOld < firstNew, $"a new-generation record was written before the old generation was done: {string.Join(", ", written)}");
        Assert.Equal(80, written.Distinct().Count());
        var committed = await kafka.CommittedAsync(runner.GroupId, Old, 2);
        Assert.All(markers, m => Assert.True(committed[m.Key] > m.Value, "the sink commits past the markers"));
    }

    private static async Task Produce(IProducer<byte[]?, byte[]?> producer, string topic, int partition, string value) =>
        await producer.ProduceAsync(new TopicPartition(topic, partition), new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes("conversation"), Value = Encoding.UTF8.GetBytes(value) });

    private static async Task PollAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"condition not met within {Deadline.TotalSeconds} s");
            await Task.Delay(50);
        }
    }

    /// <summary>Reads chat.events (so every generation of it) as plain strings; markers have no value and are skipped.</summary>
    private sealed class ValueDecoder : ISinkDecoder<string>
    {
        public IReadOnlyList<string> Topics { get; } = [Old];

        public Task<string?> DecodeAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken ct) =>
            Task.FromResult(record.Message.Value is { } value ? Encoding.UTF8.GetString(value) : null);
    }

    private sealed class OrderWriter : ISinkWriter<string>
    {
        private readonly List<string> _written = [];

        public List<string> Written { get { lock (_written) return [.. _written]; } }

        public Task WriteAsync(IReadOnlyList<string> batch, CancellationToken ct)
        {
            lock (_written) _written.AddRange(batch);
            return Task.CompletedTask;
        }
    }
}
