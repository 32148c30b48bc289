using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers;

/// <summary>CreateTopics v0–v4. A single node can hold one replica: replication factor must be -1 (default) or 1.</summary>
public sealed class CreateTopicsHandler(TopicCatalog catalog, BrokerOptions options) : IRequestHandler
{
    public ApiKey Key => ApiKey.CreateTopics;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var v = context.Version;
        var requests = r.Array(false, x =>
        {
            var name = x.String(false);
            var partitions = x.Int32();
            var replication = x.Int16();
            var assignments = x.Array(false, y => (Partition: y.Int32(), Brokers: y.Array(false, z => z.Int32())));
            var configs = x.Array(false, y => (Name: y.String(false), Value: y.NullableString(false)));
            return (name, partitions, replication, assignments, configs);
        });
        r.Int32(); // timeout
        var validateOnly = v >= 1 && r.Bool();

        var results = new List<(string Name, ErrorCode Error, string? Message)>();
        var seen = new HashSet<string>();
        foreach (var (name, partitions, replication, assignments, configs) in requests)
        {
            if (!seen.Add(name))
            {
                results.Add((name, ErrorCode.InvalidRequest, $"topic '{name}' appears more than once in the request"));
                continue;
            }
            var (error, message) = Validate(partitions, replication, assignments);
            if (error == ErrorCode.None)
            {
                var configMap = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var (k, val) in configs) configMap[k] = val;
                var count = assignments.Count > 0 ? assignments.Count : partitions;
                (error, message) = catalog.Create(name, count, configMap, validateOnly);
            }
            results.Add((name, error, message));
        }

        if (v >= 2) w.Int32(0);
        w.ArrayLength(results.Count, false);
        foreach (var (name, error, message) in results)
        {
            w.String(name, false);
            w.Int16((short)error);
            if (v >= 1) w.String(message, false);
        }
        return ValueTask.CompletedTask;
    }

    private (ErrorCode, string?) Validate(int partitions, short replication, List<(int Partition, List<int> Brokers)> assignments)
    {
        if (assignments.Count > 0)
        {
            if (partitions != -1 || replication != -1)
                return (ErrorCode.InvalidRequest, "give either partitions and replication factor, or replica assignments, not both");
            if (assignments.Any(a => a.Brokers.Count != 1 || a.Brokers[0] != options.NodeId))
                return (ErrorCode.InvalidReplicaAssignment, $"this single-node broker only has node {options.NodeId}");
            var indexes = assignments.Select(a => a.Partition).OrderBy(p => p).ToList();
            if (!indexes.SequenceEqual(Enumerable.Range(0, indexes.Count)))
                return (ErrorCode.InvalidReplicaAssignment, "replica assignments must cover partitions 0..n-1 exactly once");
            return (ErrorCode.None, null);
        }
        if (replication is not (-1 or 1))
            return (ErrorCode.InvalidReplicationFactor,
                $"replication factor {replication} is larger than the 1 available broker (the embedded broker is a single node; use -1 or 1)");
        return (ErrorCode.None, null);
    }
}
