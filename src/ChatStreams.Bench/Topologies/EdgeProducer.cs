using System.Collections.Concurrent;
using System.Diagnostics;
using ChatStreams.Contracts;
using ChatStreams.Kafka;
using chatstreams.v1;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;

namespace ChatStreams.Bench.Topologies;

/// <summary>
/// Writes what the edges write: session events to chat.sessions (key: user id) and commands to chat.commands (key:
/// conversation id), with the edge's producer settings (<see cref="KafkaClientConfigs.Producer"/>: idempotent,
/// acks=all, linger 5 ms, lz4, murmur2) and Avro values over the registry. A command's timeline gets the time of the
/// call (before serializing, as an edge would start) and the time of Kafka's acknowledgement.
/// </summary>
public sealed class EdgeProducer : IDisposable
{
    private readonly IProducer<string, byte[]> _producer;
    private readonly ISerializer<ChatCommand> _commands;
    private readonly ISerializer<SessionEvent> _sessions;
    private readonly ConcurrentQueue<string> _failures = new();

    public EdgeProducer(KafkaOptions kafka, ChatSerdes serdes)
    {
        _commands = serdes.Serializer<ChatCommand>().AsSyncOverAsync();
        _sessions = serdes.Serializer<SessionEvent>().AsSyncOverAsync();
        _producer = new ProducerBuilder<string, byte[]>(KafkaClientConfigs.Producer(kafka, "bench-edge"))
            .SetKeySerializer(ChatSerdes.KeySerializer).SetValueSerializer(Serializers.ByteArray).Build();
    }

    /// <summary>The first produce failures (a run with any is void).</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>Connects every member (one Connect each) and waits for Kafka; returns the last offset written per partition.</summary>
    public IReadOnlyDictionary<int, long> Connect(IEnumerable<BenchMember> members)
    {
        var last = new ConcurrentDictionary<int, long>();
        var now = DateTime.UtcNow;
        foreach (var member in members)
        {
            var session = new SessionEvent
            {
                UserId = member.UserId, DeviceId = member.DeviceId, EdgeId = member.EdgeId, ConnectionId = member.ConnectionId,
                Kind = SessionEventKind.Connect, At = now,
            };
            Produce(Topics.ChatSessions, member.UserId, _sessions.Serialize(session, new SerializationContext(MessageComponentType.Value, Topics.ChatSessions)), report =>
            {
                if (report.Error.IsError) _failures.Enqueue($"session of {member.UserId}: {report.Error.Reason}");
                else last.AddOrUpdate(report.Partition.Value, report.Offset.Value, (_, known) => Math.Max(known, report.Offset.Value));
            });
        }
        Flush();
        return last;
    }

    /// <summary>Sends one command; <paramref name="timeline"/> gets the call's time now and the ack's time from librdkafka's thread.</summary>
    public void Send(ChatCommand command, CommandTimeline timeline)
    {
        timeline.MarkSent(Stopwatch.GetTimestamp());
        var value = _commands.Serialize(command, new SerializationContext(MessageComponentType.Value, Topics.ChatCommands));
        Produce(Topics.ChatCommands, command.ConversationId, value, report =>
        {
            if (report.Error.IsError) _failures.Enqueue($"command {command.CommandId}: {report.Error.Reason}");
            else timeline.MarkAcked(Stopwatch.GetTimestamp());
        });
    }

    /// <summary>Waits until Kafka acknowledged everything sent.</summary>
    /// <exception cref="TimeoutException">The broker did not acknowledge within a minute.</exception>
    public void Flush()
    {
        if (_producer.Flush(TimeSpan.FromMinutes(1)) != 0) throw new TimeoutException("the broker did not acknowledge every record within a minute");
        if (_failures.TryPeek(out var failure)) throw new InvalidOperationException($"a record was not written ({failure}); the run is void");
    }

    private void Produce(string topic, string key, byte[] value, Action<DeliveryReport<string, byte[]>> report)
    {
        var message = new Message<string, byte[]> { Key = key, Value = value };
        while (true)
        {
            try
            {
                _producer.Produce(topic, message, report);
                return;
            }
            catch (ProduceException<string, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // A burst outran the broker: librdkafka's own thread drains the queue meanwhile.
                Thread.Sleep(1);
            }
        }
    }

    public void Dispose() => _producer.Dispose();
}
