using ChatStreams.Contracts;
using ChatStreams.Kafka;
using chatstreams.v1;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge.Kafka;

/// <summary>Connect, heartbeat and disconnect of this edge's sockets to chat.sessions (key: user id).</summary>
public sealed class SessionPublisher : IDisposable
{
    private readonly IProducer<string, SessionEvent> _producer;
    private readonly string _edgeId;
    private readonly TimeProvider _clock;

    public SessionPublisher(IOptions<KafkaOptions> kafka, IOptions<EdgeOptions> edge, ChatSerdes serdes, TimeProvider clock)
    {
        _edgeId = edge.Value.Id;
        _clock = clock;
        var config = KafkaClientConfigs.Producer(kafka.Value, $"{_edgeId}-sessions");
        config.MessageTimeoutMs = (int)edge.Value.CommandTimeout.TotalMilliseconds;
        config.LingerMs = 5;
        _producer = new ProducerBuilder<string, SessionEvent>(config)
            .SetKeySerializer(ChatSerdes.KeySerializer)
            .SetValueSerializer(serdes.Serializer<SessionEvent>())
            .Build();
    }

    public Task PublishAsync(string userId, string deviceId, string connectionId, SessionEventKind kind, string? reason = null, CancellationToken ct = default) =>
        _producer.ProduceAsync(Topics.ChatSessions, new Message<string, SessionEvent>
        {
            Key = userId,
            Value = new SessionEvent
            {
                UserId = userId,
                DeviceId = deviceId,
                EdgeId = _edgeId,
                ConnectionId = connectionId,
                Kind = kind,
                At = _clock.GetUtcNow().UtcDateTime,
                Reason = reason,
            },
        }, ct);

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
