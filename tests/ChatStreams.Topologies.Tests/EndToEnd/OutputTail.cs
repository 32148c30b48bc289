using ChatStreams.Contracts;
using ChatStreams.Kafka.Generations;
using chatstreams.v1;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;

namespace ChatStreams.Topologies.Tests.EndToEnd;

/// <summary>
/// Reads the output topics from the beginning with isolation.level=read_committed (what a downstream consumer of the
/// exactly-once pipeline sees) and decodes them into <see cref="ChatOutputs"/>. Delivery topics are created on demand
/// by the fan-out, so topics that appear later are picked up as they show up.
/// </summary>
public sealed class OutputTail : IDisposable
{
    private readonly EmbeddedKafka _kafka;
    private readonly IReadOnlyList<string> _topics;
    private readonly IConsumer<string, byte[]> _consumer;
    private readonly IDeserializer<ChatEvent> _events;
    private readonly IDeserializer<Delivery> _deliveries;
    private readonly IDeserializer<Notification> _notifications;
    private readonly HashSet<TopicPartition> _assigned = [];
    private readonly HashSet<TopicPartition> _atEnd = [];

    public OutputTail(EmbeddedKafka kafka, ISchemaRegistryClient registry, string registryUrl, IReadOnlyList<string> topics)
    {
        _kafka = kafka;
        _topics = topics;
        var serdes = new ChatSerdes(registry, new SchemaRegistryClientOptions { Url = registryUrl });
        _events = serdes.Deserializer<ChatEvent>().AsSyncOverAsync();
        _deliveries = serdes.Deserializer<Delivery>().AsSyncOverAsync();
        _notifications = serdes.Deserializer<Notification>().AsSyncOverAsync();
        _consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "e2e-verifier-" + Guid.NewGuid().ToString("N"),
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).SetKeyDeserializer(Deserializers.Utf8).SetValueDeserializer(Deserializers.ByteArray).Build();
        AssignNewTopics();
    }

    public ChatOutputs Outputs { get; } = new();

    /// <summary>Topics asked for that do not exist (yet).</summary>
    public IReadOnlyList<string> Missing => _topics.Where(t => _assigned.All(p => p.Topic != t)).ToList();

    /// <summary>Reads what arrives within <paramref name="budget"/>; returns how many records were added.</summary>
    public int Poll(TimeSpan budget)
    {
        AssignNewTopics();
        var before = Outputs.Count;
        var until = DateTime.UtcNow + budget;
        while (DateTime.UtcNow < until)
        {
            if (Consume(TimeSpan.FromMilliseconds(100)) is null && _atEnd.Count == _assigned.Count) break;
        }
        return Outputs.Count - before;
    }

    /// <summary>Reads until every partition of every topic is at its end (the last stable offset).</summary>
    public void ReadToEnd(TimeSpan timeout)
    {
        AssignNewTopics();
        var deadline = DateTime.UtcNow + timeout;
        while (_atEnd.Count < _assigned.Count)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"could not read {string.Join(", ", _assigned.Except(_atEnd))} to the end within {timeout.TotalSeconds:0} s");
            Consume(TimeSpan.FromMilliseconds(200));
        }
    }

    private ConsumeResult<string, byte[]>? Consume(TimeSpan wait)
    {
        var result = _consumer.Consume(wait);
        if (result is null) return null;
        if (result.IsPartitionEOF)
        {
            _atEnd.Add(result.TopicPartition);
            return result;
        }
        _atEnd.Remove(result.TopicPartition);
        Add(result);
        return result;
    }

    private void Add(ConsumeResult<string, byte[]> result)
    {
        var topic = result.Topic;
        var context = new SerializationContext(MessageComponentType.Value, topic, result.Message.Headers);
        var value = result.Message.Value;
        if (CutoverMarker.TryRead(result.Message.Headers, out _)) return; // a partition rescale's marker: no record of the pipeline
        if (value is null) throw new InvalidOperationException($"{topic}/{result.Partition.Value}@{result.Offset.Value} has no value");
        if (GenerationFamilies.BaseOf(topic) == Topics.ChatEvents)
            Outputs.Events.Add(Record(result, _events.Deserialize(value, false, context)));
        else if (topic == Topics.ChatNotifications)
            Outputs.Notifications.Add(Record(result, _notifications.Deserialize(value, false, context)));
        else if (topic.StartsWith(Topics.DeliveryPrefix, StringComparison.Ordinal))
            Outputs.Deliveries.Add(Record(result, _deliveries.Deserialize(value, false, context)));
    }

    private static OutputRecord<T> Record<T>(ConsumeResult<string, byte[]> result, T value) =>
        new(result.Topic, result.Partition.Value, result.Offset.Value, result.Message.Key, value);

    private void AssignNewTopics()
    {
        var known = _kafka.Topics();
        var added = _topics.Where(t => known.ContainsKey(t) && _assigned.All(p => p.Topic != t))
            .SelectMany(t => Enumerable.Range(0, known[t]).Select(p => new TopicPartition(t, p)))
            .ToList();
        if (added.Count == 0) return;
        _consumer.IncrementalAssign(added.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        _assigned.UnionWith(added);
    }

    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
    }
}
