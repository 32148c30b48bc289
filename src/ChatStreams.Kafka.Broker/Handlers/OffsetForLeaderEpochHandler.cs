using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers;

/// <summary>
/// OffsetForLeaderEpoch v2–v4. Clients validate their position after a metadata refresh (Metadata v9+ reports
/// epochs). There has only ever been epoch 0 here, so epoch 0 ends at the log end; a higher epoch is unknown.
/// </summary>
public sealed class OffsetForLeaderEpochHandler(TopicCatalog catalog) : IRequestHandler
{
    public ApiKey Key => ApiKey.OffsetForLeaderEpoch;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var v = context.Version;
        var flex = context.Flexible;
        if (v >= 3) r.Int32(); // replica id
        var topics = r.Array(flex, x =>
        {
            var name = x.String(flex);
            var partitions = x.Array(flex, y =>
            {
                var index = y.Int32();
                y.Int32(); // current leader epoch
                var epoch = y.Int32();
                y.TaggedFields(flex);
                return (index, epoch);
            });
            x.TaggedFields(flex);
            return (name, partitions);
        });
        r.TaggedFields(flex);

        w.Int32(0);
        w.ArrayLength(topics.Count, flex);
        foreach (var (name, partitions) in topics)
        {
            var topic = catalog.Find(name);
            w.String(name, flex);
            w.ArrayLength(partitions.Count, flex);
            foreach (var (index, epoch) in partitions)
            {
                var p = topic?.Partition(index);
                var error = p is null ? ErrorCode.UnknownTopicOrPartition
                    : epoch > Partition.LeaderEpoch ? ErrorCode.UnknownLeaderEpoch : ErrorCode.None;
                w.Int16((short)error);
                w.Int32(index);
                w.Int32(error == ErrorCode.None ? Partition.LeaderEpoch : -1);
                w.Int64(error == ErrorCode.None ? p!.HighWatermark : -1);
                w.TaggedFields(flex);
            }
            w.TaggedFields(flex);
        }
        w.TaggedFields(flex);
        return ValueTask.CompletedTask;
    }
}
