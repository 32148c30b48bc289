using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers.Groups;

/// <summary>LeaveGroup v0–v1: one member leaves; the rest of the group rebalances.</summary>
public sealed class LeaveGroupHandler(GroupCoordinator coordinator) : IRequestHandler, IRequestErrorWriter
{
    public ApiKey Key => ApiKey.LeaveGroup;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var flex = context.Flexible;
        var groupId = r.String(flex);
        var memberId = r.String(flex);
        r.TaggedFields(flex);
        WriteError(context, w, coordinator.Leave(groupId, memberId));
        return ValueTask.CompletedTask;
    }

    public void WriteError(RequestContext context, KafkaWriter response, ErrorCode error)
    {
        if (context.Version >= 1) response.Int32(0); // throttle time
        response.Int16((short)error);
        response.TaggedFields(context.Flexible);
    }
}
