using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers;

/// <summary>ListOffsets v1–v7: latest (-1), earliest (-2), max timestamp (-3) and first offset at or after a time.</summary>
public sealed class ListOffsetsHandler(TopicCatalog catalog) : IRequestHandler
{
    public const long Latest = -1, Earliest = -2, MaxTimestamp = -3;

    public ApiKey Key => ApiKey.ListOffsets;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var v = context.Version;
        var flex = context.Flexible;
        r.Int32(); // replica id
        var readCommitted = v >= 2 && r.Int8() == 1;
        var topics = r.Array(flex, x =>
        {
            var name = x.String(flex);
            var partitions = x.Array(flex, y =>
            {
                var index = y.Int32();
                if (v >= 4) y.Int32(); // current leader epoch
                var timestamp = y.Int64();
                y.TaggedFields(flex);
                return (index, timestamp);
            });
            x.TaggedFields(flex);
            return (name, partitions);
        });
        r.TaggedFields(flex);

        if (v >= 2) w.Int32(0);
        w.ArrayLength(topics.Count, flex);
        foreach (var (name, partitions) in topics)
        {
            var topic = catalog.Find(name);
            w.String(name, flex);
            w.ArrayLength(partitions.Count, flex);
            foreach (var (index, timestamp) in partitions)
            {
                var p = topic?.Partition(index);
                var (error, offset, ts) = p is null ? (ErrorCode.UnknownTopicOrPartition, -1L, -1L) : Lookup(p, timestamp, readCommitted);
                w.Int32(index);
                w.Int16((short)error);
                w.Int64(ts);
                w.Int64(offset);
                if (v >= 4) w.Int32(error == ErrorCode.None ? Partition.LeaderEpoch : -1);
                w.TaggedFields(flex);
            }
            w.TaggedFields(flex);
        }
        w.TaggedFields(flex);
        return ValueTask.CompletedTask;
    }

    private static (ErrorCode, long Offset, long Timestamp) Lookup(Partition p, long timestamp, bool readCommitted)
    {
        var visibleEnd = readCommitted ? p.LastStableOffset : p.HighWatermark;
        switch (timestamp)
        {
            case Latest:
                return (ErrorCode.None, visibleEnd, -1);
            case Earliest:
                return (ErrorCode.None, p.LogStartOffset, -1);
            case MaxTimestamp:
                var (maxOffset, maxTs) = p.Log.MaxTimestamp();
                return maxOffset < 0 ? (ErrorCode.None, -1, -1) : (ErrorCode.None, maxOffset, maxTs);
            case < 0:
                return (ErrorCode.InvalidRequest, -1, -1);
            default:
                var found = p.Log.OffsetForTimestamp(timestamp);
                if (found is not { } hit || hit.Offset >= visibleEnd) return (ErrorCode.None, -1, -1);
                return (ErrorCode.None, hit.Offset, hit.Timestamp);
        }
    }
}
