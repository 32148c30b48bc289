using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers.Groups;

/// <summary>
/// JoinGroup v0–v5. v1 adds the rebalance timeout (v0 uses the session timeout), v4 the MEMBER_ID_REQUIRED
/// round trip, v5 group.instance.id (static membership). The answer waits for the join phase to end.
/// </summary>
public sealed class JoinGroupHandler(GroupCoordinator coordinator) : IRequestHandler, IRequestErrorWriter
{
    public ApiKey Key => ApiKey.JoinGroup;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var v = context.Version;
        var flex = context.Flexible;
        var groupId = r.String(flex);
        var sessionTimeoutMs = r.Int32();
        var rebalanceTimeoutMs = v >= 1 ? r.Int32() : sessionTimeoutMs;
        var memberId = r.String(flex);
        var groupInstanceId = v >= 5 ? r.NullableString(flex) : null;
        var protocolType = r.String(flex);
        var protocols = r.Array(flex, x =>
        {
            var name = x.String(flex);
            var metadata = x.NullableBytes(flex) ?? [];
            x.TaggedFields(flex);
            return new GroupProtocol(name, metadata);
        });
        r.TaggedFields(flex);

        var request = new JoinRequest(groupId, memberId, groupInstanceId, protocolType, protocols, sessionTimeoutMs, rebalanceTimeoutMs,
            context.Header.ClientId ?? "", GroupResponses.ClientHost(context), RequireKnownMemberId: v >= 4);
        GroupResponses.Respond(context, w, coordinator.JoinAsync(request), (writer, result) => Write(writer, v, flex, result), cancellationToken);
        return ValueTask.CompletedTask;
    }

    public void WriteError(RequestContext context, KafkaWriter response, ErrorCode error) =>
        Write(response, context.Version, context.Flexible, JoinResult.Failed(error));

    private static void Write(KafkaWriter w, short v, bool flex, JoinResult result)
    {
        if (v >= 2) w.Int32(0); // throttle time
        w.Int16((short)result.Error);
        w.Int32(result.GenerationId);
        w.String(result.ProtocolName ?? "", flex);
        w.String(result.LeaderId, flex);
        w.String(result.MemberId, flex);
        w.ArrayLength(result.Members.Count, flex);
        foreach (var member in result.Members)
        {
            w.String(member.MemberId, flex);
            if (v >= 5) w.String(member.GroupInstanceId, flex);
            w.Bytes(member.Metadata, flex);
            w.TaggedFields(flex);
        }
        w.TaggedFields(flex);
    }
}
