using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers;

/// <summary>DeleteRecords v0–v1: moves a partition's log start offset forward (-1 means up to the high watermark).</summary>
public sealed class DeleteRecordsHandler(TopicCatalog catalog) : IRequestHandler
{
    public ApiKey Key => ApiKey.DeleteRecords;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var topics = r.Array(false, x => (Name: x.String(false), Partitions: x.Array(false, y => (Index: y.Int32(), Offset: y.Int64()))));
        r.Int32(); // timeout

        w.Int32(0);
        w.ArrayLength(topics.Count, false);
        foreach (var (name, partitions) in topics)
        {
            var topic = catalog.Find(name);
            w.String(name, false);
            w.ArrayLength(partitions.Count, false);
            foreach (var (index, offset) in partitions)
            {
                var p = topic?.Partition(index);
                var error = ErrorCode.None;
                if (p is null) error = ErrorCode.UnknownTopicOrPartition;
                else
                {
                    var target = offset == -1 ? p.HighWatermark : offset;
                    if (target < 0 || target > p.HighWatermark) error = ErrorCode.OffsetOutOfRange;
                    else if (target > p.LogStartOffset) p.DeleteRecordsBefore(target);
                }
                w.Int32(index);
                w.Int64(p?.LogStartOffset ?? -1);
                w.Int16((short)error);
            }
        }
        return ValueTask.CompletedTask;
    }
}
