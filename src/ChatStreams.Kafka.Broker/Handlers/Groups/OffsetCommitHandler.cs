using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers.Groups;

/// <summary>
/// OffsetCommit v2–v8: v2–v4 carry a retention time (ignored: offsets of this broker never expire), v6 the
/// leader epoch, v7 group.instance.id, v8 is flexible. Answers once the offsets are on disk.
/// </summary>
public sealed class OffsetCommitHandler(GroupCoordinator coordinator) : IRequestHandler
{
    public ApiKey Key => ApiKey.OffsetCommit;

    public async ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var v = context.Version;
        var flex = context.Flexible;
        var groupId = r.String(flex);
        var generationId = r.Int32();
        var memberId = r.String(flex);
        var groupInstanceId = v >= 7 ? r.NullableString(flex) : null;
        if (v is >= 2 and <= 4) r.Int64(); // retention time
        var entries = OffsetCommitTopics.Read(r, flex, hasLeaderEpoch: v >= 6);
        r.TaggedFields(flex);

        var pending = coordinator.CommitOffsetsAsync(new OffsetCommitRequest(groupId, generationId, memberId, groupInstanceId, entries), cancellationToken);
        if (!pending.IsCompleted)
        {
            context.Defer(async writer => Write(writer, v, flex, entries, await pending));
            return;
        }
        Write(w, v, flex, entries, await pending);
    }

    private static void Write(KafkaWriter w, short v, bool flex, List<OffsetCommitEntry> entries, IReadOnlyList<ErrorCode> errors)
    {
        if (v >= 3) w.Int32(0); // throttle time
        OffsetCommitTopics.WriteErrors(w, flex, entries, errors);
        w.TaggedFields(flex);
    }
}
