using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers.Groups;

/// <summary>
/// OffsetFetch v1–v7: v2 allows a null topic list (every committed offset) and adds a top-level error, v5 the
/// leader epoch, v6 is flexible, v7 RequireStable (UNSTABLE_OFFSET_COMMIT while a transaction holds an offset).
/// </summary>
public sealed class OffsetFetchHandler(GroupCoordinator coordinator) : IRequestHandler, IRequestErrorWriter
{
    public ApiKey Key => ApiKey.OffsetFetch;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var v = context.Version;
        var flex = context.Flexible;
        var groupId = r.String(flex);
        List<(string Topic, IReadOnlyList<int> Partitions)>? topics = null;
        var count = r.ArrayLength(flex);
        if (count >= 0)
        {
            topics = new List<(string, IReadOnlyList<int>)>(count);
            for (var i = 0; i < count; i++)
            {
                var name = r.String(flex);
                var partitions = r.Array(flex, x => x.Int32());
                r.TaggedFields(flex);
                topics.Add((name, partitions));
            }
        }
        var requireStable = v >= 7 && r.Bool();
        r.TaggedFields(flex);

        var offsets = coordinator.FetchOffsets(groupId, topics, requireStable);
        Write(w, v, flex, offsets, ErrorCode.None);
        return ValueTask.CompletedTask;
    }

    public void WriteError(RequestContext context, KafkaWriter response, ErrorCode error) =>
        Write(response, context.Version, context.Flexible, [], error);

    private static void Write(KafkaWriter w, short v, bool flex, IReadOnlyList<FetchedOffset> offsets, ErrorCode error)
    {
        if (v >= 3) w.Int32(0); // throttle time
        var byTopic = offsets.GroupBy(o => o.Partition.Topic, StringComparer.Ordinal).ToList();
        w.ArrayLength(byTopic.Count, flex);
        foreach (var topic in byTopic)
        {
            w.String(topic.Key, flex);
            var partitions = topic.ToList();
            w.ArrayLength(partitions.Count, flex);
            foreach (var o in partitions)
            {
                w.Int32(o.Partition.Partition);
                w.Int64(o.Offset);
                if (v >= 5) w.Int32(o.LeaderEpoch);
                w.String(o.Metadata, flex);
                w.Int16((short)o.Error);
                w.TaggedFields(flex);
            }
            w.TaggedFields(flex);
        }
        if (v >= 2) w.Int16((short)error);
        w.TaggedFields(flex);
    }
}
