using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers.Groups;

/// <summary>SyncGroup v0–v3 (v3 adds group.instance.id). Followers' answers wait for the leader's assignments.</summary>
public sealed class SyncGroupHandler(GroupCoordinator coordinator) : IRequestHandler, IRequestErrorWriter
{
    public ApiKey Key => ApiKey.SyncGroup;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var v = context.Version;
        var flex = context.Flexible;
        var groupId = r.String(flex);
        var generationId = r.Int32();
        var memberId = r.String(flex);
        var groupInstanceId = v >= 3 ? r.NullableString(flex) : null;
        var assignments = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var count = r.ArrayLength(flex);
        for (var i = 0; i < count; i++)
        {
            var member = r.String(flex);
            assignments[member] = r.NullableBytes(flex) ?? [];
            r.TaggedFields(flex);
        }
        r.TaggedFields(flex);

        var request = new SyncRequest(groupId, generationId, memberId, groupInstanceId, assignments);
        GroupResponses.Respond(context, w, coordinator.SyncAsync(request), (writer, result) => Write(writer, v, flex, result), cancellationToken);
        return ValueTask.CompletedTask;
    }

    public void WriteError(RequestContext context, KafkaWriter response, ErrorCode error) =>
        Write(response, context.Version, context.Flexible, SyncResult.Failed(error));

    private static void Write(KafkaWriter w, short v, bool flex, SyncResult result)
    {
        if (v >= 1) w.Int32(0); // throttle time
        w.Int16((short)result.Error);
        w.Bytes(result.Assignment, flex);
        w.TaggedFields(flex);
    }
}
