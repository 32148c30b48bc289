using System.Collections.Concurrent;
using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Kafka.Generations;
using chatstreams.v1;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;

namespace ChatStreams.Topologies.Tests.EndToEnd;

/// <summary>
/// Writes commands and session events the way an edge does: an idempotent producer with acks=all and the Java
/// client's partitioner, Avro values in the registry's wire format, UTF-8 keys. Values are serialized in call order,
/// so the records of one key reach their partition in the order they were produced.
/// </summary>
public sealed class ChatProducer : IDisposable
{
    private readonly IProducer<string, byte[]> _producer;
    private readonly ISerializer<ChatCommand> _commands;
    private readonly ISerializer<SessionEvent> _sessions;
    private readonly ProducerGeneration? _commandGeneration;

    /// <param name="commandGeneration">
    /// When given, commands go to the generation of chat.commands it says (as the edge's CommandPublisher does), and
    /// the switch to a new generation is reported once every command to the old one is acknowledged.
    /// </param>
    public ChatProducer(EmbeddedKafka kafka, ISchemaRegistryClient registry, string registryUrl, ProducerGeneration? commandGeneration = null)
    {
        _commandGeneration = commandGeneration;
        var serdes = new ChatSerdes(registry, new SchemaRegistryClientOptions { Url = registryUrl });
        _commands = serdes.Serializer<ChatCommand>().AsSyncOverAsync();
        _sessions = serdes.Serializer<SessionEvent>().AsSyncOverAsync();
        _producer = new ProducerBuilder<string, byte[]>(KafkaClientConfigs.Producer(kafka.Options, "e2e-edge"))
            .SetKeySerializer(ChatSerdes.KeySerializer).SetValueSerializer(Serializers.ByteArray).Build();
    }

    /// <summary>Produces the commands (key: conversation id) and waits until Kafka acknowledged all of them.</summary>
    /// <returns>The generation of chat.commands each command went to.</returns>
    public IReadOnlyList<int> Commands(IEnumerable<ChatCommand> commands)
    {
        var generations = new List<int>();
        Produce(Topics.ChatCommands, commands.Select(c => (c.ConversationId, c)), _commands, generations);
        return generations;
    }

    /// <summary>Produces the session events (key: user id); returns the offset of the last one in each partition.</summary>
    public IReadOnlyDictionary<int, long> Sessions(IEnumerable<SessionEvent> sessions) =>
        Produce(Topics.ChatSessions, sessions.Select(s => (s.UserId, s)), _sessions);

    private Dictionary<int, long> Produce<T>(string topic, IEnumerable<(string Key, T Value)> records, ISerializer<T> serializer, List<int>? generations = null)
    {
        var reports = new ConcurrentQueue<DeliveryReport<string, byte[]>>();
        var produced = 0;
        foreach (var (key, value) in records)
        {
            var bytes = serializer.Serialize(value, new SerializationContext(MessageComponentType.Value, topic));
            var message = new Message<string, byte[]> { Key = key, Value = bytes };
            var lease = generations is null ? null : _commandGeneration?.Acquire();
            generations?.Add(lease?.Generation ?? 1);
            while (true)
            {
                try
                {
                    _producer.Produce(lease?.Topic ?? topic, message, report =>
                    {
                        lease?.Dispose();
                        reports.Enqueue(report);
                    });
                    produced++;
                    break;
                }
                catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    _producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }
        if (_producer.Flush(TimeSpan.FromSeconds(60)) != 0) throw new TimeoutException($"records to {topic} were not acknowledged in time");
        var failed = reports.Where(r => r.Error.IsError).ToList();
        if (failed.Count > 0 || reports.Count != produced)
            throw new InvalidOperationException($"{failed.Count} of {produced} records to {topic} failed: {failed.FirstOrDefault()?.Error.Reason}");
        return reports.GroupBy(r => r.Partition.Value).ToDictionary(g => g.Key, g => g.Max(r => r.Offset.Value));
    }

    public void Dispose() => _producer.Dispose();
}
