using ChatStreams.Contracts;
using Confluent.Kafka;

namespace ChatStreams.Kafka.Generations;

/// <summary>
/// Reads and writes <see cref="TopicGenerations.ControlTopic"/>: a compacted, single-partition topic of small JSON
/// records keyed by topic (the generation record) or by producer (its switch report). One partition keeps every
/// record in one order, so a reader that caught up sees a consistent picture.
/// </summary>
public sealed class TopicGenerationLog : IDisposable
{
    private static readonly TopicPartition Partition = new(TopicGenerations.ControlTopic, 0);
    private readonly KafkaOptions _kafka;
    private readonly string _clientName;
    private readonly Lazy<IProducer<string, byte[]?>> _producer;

    public TopicGenerationLog(KafkaOptions kafka, string clientName)
    {
        _kafka = kafka;
        _clientName = clientName;
        _producer = new Lazy<IProducer<string, byte[]?>>(() =>
            new ProducerBuilder<string, byte[]?>(KafkaClientConfigs.Producer(kafka, $"{clientName}-generations")).Build());
    }

    /// <summary>The control topic's spec: compacted, one partition, kept forever.</summary>
    public static TopicSpec Spec { get; } = new(TopicGenerations.ControlTopic, 1, -1,
        new Dictionary<string, string> { ["cleanup.policy"] = "compact", ["retention.ms"] = "-1" });

    /// <summary>Creates the control topic if it is missing (races with other creators are fine).</summary>
    public async Task EnsureTopicAsync()
    {
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(_kafka, $"{_clientName}-generations")).Build();
        await TopicProvisioner.CreateAsync(admin, [Spec]);
    }

    /// <summary>Every key's latest value (tombstones drop the key), read from the beginning to the current end.</summary>
    public Dictionary<string, byte[]> ReadAll(TimeSpan timeout)
    {
        using var consumer = CreateConsumer();
        var latest = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        CatchUp(consumer, latest, timeout);
        return latest;
    }

    /// <summary>The generation record of <paramref name="baseTopic"/>, or null when it was never rescaled.</summary>
    public TopicGenerationState? ReadState(string baseTopic, TimeSpan timeout) =>
        ReadAll(timeout).TryGetValue(baseTopic, out var bytes) ? TopicGenerationState.FromBytes(bytes) : null;

    public async Task WriteStateAsync(TopicGenerationState state, CancellationToken ct = default) =>
        await WriteAsync(state.Topic, state.ToBytes(), ct);

    /// <summary>Writes one record and returns once Kafka acknowledged it.</summary>
    public async Task WriteAsync(string key, byte[]? value, CancellationToken ct = default) =>
        await _producer.Value.ProduceAsync(Partition, new Message<string, byte[]?> { Key = key, Value = value }, ct);

    internal IConsumer<string, byte[]?> CreateConsumer()
    {
        var config = KafkaClientConfigs.Consumer(_kafka, $"{_clientName}-generations-reader", $"{_clientName}-generations-unused");
        var consumer = new ConsumerBuilder<string, byte[]?>(config).Build();
        consumer.Assign(new TopicPartitionOffset(Partition, Offset.Beginning));
        return consumer;
    }

    /// <summary>Applies records until the reader is at the end the broker reported when it started.</summary>
    internal static void CatchUp(IConsumer<string, byte[]?> consumer, Dictionary<string, byte[]> latest, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var end = EndOffset(consumer, deadline);
        while (consumer.Position(Partition).Value is var position && (position < 0 ? 0 : position) < end)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"could not read {TopicGenerations.ControlTopic} to its end ({end}) within {timeout.TotalSeconds:0} s");
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false, Message: { } message }) Apply(latest, message);
        }
    }

    /// <summary>
    /// The control topic's end offset, asked again until the deadline when the connection broke under the request
    /// (<see cref="BrokerCallRetry"/>): librdkafka answers Local_Transport, Local_Destroy when the bootstrap connection
    /// the request went out on is retired, or Local_DestroyBroker when a broker restart tore the connection down; each
    /// made a topology process exit at start.
    /// </summary>
    private static long EndOffset(IConsumer<string, byte[]?> consumer, DateTime deadline) =>
        BrokerCallRetry.Until(deadline - DateTime.UtcNow, left => consumer.QueryWatermarkOffsets(Partition, left).High.Value);

    internal static void Apply(Dictionary<string, byte[]> latest, Message<string, byte[]?> message)
    {
        if (message.Key is null) return;
        if (message.Value is null) latest.Remove(message.Key);
        else latest[message.Key] = message.Value;
    }

    public void Dispose()
    {
        if (!_producer.IsValueCreated) return;
        _producer.Value.Flush(TimeSpan.FromSeconds(10));
        _producer.Value.Dispose();
    }
}
