using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers.Groups;

/// <summary>Heartbeat v0–v3 (v3 adds group.instance.id): keeps the member alive and tells it when to rejoin.</summary>
public sealed class HeartbeatHandler(GroupCoordinator coordinator) : IRequestHandler, IRequestErrorWriter
{
    public ApiKey Key => ApiKey.Heartbeat;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var flex = context.Flexible;
        var groupId = r.String(flex);
        var generationId = r.Int32();
        var memberId = r.String(flex);
        var groupInstanceId = context.Version >= 3 ? r.NullableString(flex) : null;
        r.TaggedFields(flex);
        WriteError(context, w, coordinator.Heartbeat(groupId, memberId, groupInstanceId, generationId));
        return ValueTask.CompletedTask;
    }

    public void WriteError(RequestContext context, KafkaWriter response, ErrorCode error)
    {
        if (context.Version >= 1) response.Int32(0); // throttle time
        response.Int16((short)error);
        response.TaggedFields(context.Flexible);
    }
}
