using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers.Groups;

/// <summary>ListGroups v0–v2: every group this coordinator knows, with its protocol type.</summary>
public sealed class ListGroupsHandler(GroupCoordinator coordinator) : IRequestHandler, IRequestErrorWriter
{
    public ApiKey Key => ApiKey.ListGroups;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var flex = context.Flexible;
        context.Body.TaggedFields(flex);
        var groups = coordinator.List();
        if (context.Version >= 1) w.Int32(0); // throttle time
        w.Int16((short)ErrorCode.None);
        w.ArrayLength(groups.Count, flex);
        foreach (var g in groups)
        {
            w.String(g.GroupId, flex);
            w.String(g.ProtocolType, flex);
            w.TaggedFields(flex);
        }
        w.TaggedFields(flex);
        return ValueTask.CompletedTask;
    }

    public void WriteError(RequestContext context, KafkaWriter response, ErrorCode error)
    {
        if (context.Version >= 1) response.Int32(0);
        response.Int16((short)error);
        response.ArrayLength(0, context.Flexible);
        response.TaggedFields(context.Flexible);
    }
}
