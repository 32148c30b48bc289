using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers;

/// <summary>CreatePartitions v0–v1: grows a topic (existing keys then hash to other partitions; see docs on rescaling).</summary>
public sealed class CreatePartitionsHandler(TopicCatalog catalog, BrokerOptions options) : IRequestHandler
{
    public ApiKey Key => ApiKey.CreatePartitions;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var requests = r.Array(false, x =>
        {
            var name = x.String(false);
            var count = x.Int32();
            var assignments = x.ArrayLength(false) is var n and >= 0
                ? Enumerable.Range(0, n).Select(_ => x.Array(false, y => y.Int32())).ToList()
                : null;
            return (name, count, assignments);
        });
        r.Int32(); // timeout
        var validateOnly = r.Bool();

        w.Int32(0);
        w.ArrayLength(requests.Count, false);
        foreach (var (name, count, assignments) in requests)
        {
            var result = assignments is not null && assignments.Any(a => a.Count != 1 || a[0] != options.NodeId)
                ? new TopicCatalog.Result(ErrorCode.InvalidReplicaAssignment, $"this single-node broker only has node {options.NodeId}")
                : catalog.AddPartitions(name, count, validateOnly);
            w.String(name, false);
            w.Int16((short)result.Error);
            w.String(result.Message, false);
        }
        return ValueTask.CompletedTask;
    }
}
