using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers.Groups;

/// <summary>
/// TxnOffsetCommit v0–v3: offsets committed inside a producer's transaction. v2 adds the leader epoch; v3
/// (flexible) adds generation, member id and group.instance.id so zombies of an old generation are fenced
/// (KIP-447).
/// </summary>
public sealed class TxnOffsetCommitHandler(GroupCoordinator coordinator) : IRequestHandler
{
    public ApiKey Key => ApiKey.TxnOffsetCommit;

    public async ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var v = context.Version;
        var flex = context.Flexible;
        var transactionalId = r.String(flex);
        var groupId = r.String(flex);
        var producerId = r.Int64();
        var producerEpoch = r.Int16();
        var generationId = -1;
        var memberId = "";
        string? groupInstanceId = null;
        if (v >= 3)
        {
            generationId = r.Int32();
            memberId = r.String(flex);
            groupInstanceId = r.NullableString(flex);
        }
        var entries = OffsetCommitTopics.Read(r, flex, hasLeaderEpoch: v >= 2);
        r.TaggedFields(flex);

        var request = new TxnOffsetCommitRequest(transactionalId, groupId, producerId, producerEpoch, generationId, memberId, groupInstanceId, entries);
        var pending = coordinator.CommitTransactionalOffsetsAsync(request, cancellationToken);
        if (!pending.IsCompleted)
        {
            context.Defer(async writer => Write(writer, flex, entries, await pending));
            return;
        }
        Write(w, flex, entries, await pending);
    }

    private static void Write(KafkaWriter w, bool flex, List<OffsetCommitEntry> entries, IReadOnlyList<ErrorCode> errors)
    {
        w.Int32(0); // throttle time
        OffsetCommitTopics.WriteErrors(w, flex, entries, errors);
        w.TaggedFields(flex);
    }
}
