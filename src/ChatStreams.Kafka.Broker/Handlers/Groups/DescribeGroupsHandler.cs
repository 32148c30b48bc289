using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers.Groups;

/// <summary>DescribeGroups v0–v4 (v3 authorized operations, v4 group.instance.id of members).</summary>
public sealed class DescribeGroupsHandler(GroupCoordinator coordinator) : IRequestHandler
{
    public ApiKey Key => ApiKey.DescribeGroups;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var v = context.Version;
        var flex = context.Flexible;
        var groupIds = r.Array(flex, x => x.String(flex));
        if (v >= 3) r.Bool(); // include authorized operations: there is no authorization to report
        r.TaggedFields(flex);

        if (v >= 1) w.Int32(0); // throttle time
        w.ArrayLength(groupIds.Count, flex);
        foreach (var groupId in groupIds)
        {
            var group = coordinator.Describe(groupId);
            w.Int16((short)group.Error);
            w.String(group.GroupId, flex);
            w.String(group.State.ToString(), flex);
            w.String(group.ProtocolType, flex);
            w.String(group.ProtocolData, flex);
            w.ArrayLength(group.Members.Count, flex);
            foreach (var m in group.Members)
            {
                w.String(m.MemberId, flex);
                if (v >= 4) w.String(m.GroupInstanceId, flex);
                w.String(m.ClientId, flex);
                w.String(m.ClientHost, flex);
                w.Bytes(m.Metadata, flex);
                w.Bytes(m.Assignment, flex);
                w.TaggedFields(flex);
            }
            if (v >= 3) w.Int32(int.MinValue); // authorized operations: not computed
            w.TaggedFields(flex);
        }
        w.TaggedFields(flex);
        return ValueTask.CompletedTask;
    }
}
