using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;
using ChatStreams.Kafka.Broker.Storage;

namespace ChatStreams.Kafka.Broker.Handlers;

/// <summary>DescribeConfigs v0–v1 for topics (effective values with their source) and this broker.</summary>
public sealed class DescribeConfigsHandler(TopicCatalog catalog, BrokerOptions options) : IRequestHandler
{
    public const sbyte TopicResource = 2, BrokerResource = 4;
    private const sbyte TopicConfigSource = 1, StaticBrokerSource = 4, DefaultSource = 5;

    public ApiKey Key => ApiKey.DescribeConfigs;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var v = context.Version;
        var resources = r.Array(false, x =>
        {
            var type = x.Int8();
            var name = x.String(false);
            var n = x.ArrayLength(false);
            List<string>? keys = n < 0 ? null : Enumerable.Range(0, n).Select(_ => x.String(false)).ToList();
            return (type, name, keys);
        });
        var includeSynonyms = v >= 1 && r.Bool();

        w.Int32(0);
        w.ArrayLength(resources.Count, false);
        foreach (var (type, name, keys) in resources)
        {
            var (error, message, entries) = Describe(type, name);
            w.Int16((short)error);
            w.String(message, false);
            w.Int8(type);
            w.String(name, false);
            var selected = entries.Where(e => keys is null || keys.Contains(e.Name)).ToList();
            w.ArrayLength(selected.Count, false);
            foreach (var e in selected)
            {
                w.String(e.Name, false);
                w.String(e.Value, false);
                w.Bool(false); // read only: topic configs can be altered
                if (v == 0) w.Bool(e.Source == DefaultSource);
                else w.Int8(e.Source);
                w.Bool(false); // sensitive
                if (v >= 1)
                {
                    var synonyms = includeSynonyms ? new[] { e } : [];
                    w.ArrayLength(synonyms.Length, false);
                    foreach (var s in synonyms)
                    {
                        w.String(s.Name, false);
                        w.String(s.Value, false);
                        w.Int8(s.Source);
                    }
                }
            }
        }
        return ValueTask.CompletedTask;
    }

    private readonly record struct Entry(string Name, string? Value, sbyte Source);

    private (ErrorCode, string?, List<Entry>) Describe(sbyte type, string name)
    {
        switch (type)
        {
            case TopicResource:
                var topic = catalog.Find(name);
                if (topic is null) return (ErrorCode.UnknownTopicOrPartition, $"topic '{name}' does not exist", []);
                var entries = new List<Entry>();
                foreach (var (key, value) in topic.LogConfig.ToTopicConfigs())
                {
                    var source = topic.Configs.ContainsKey(key) ? TopicConfigSource
                        : options.DefaultTopicConfigs.ContainsKey(key) ? StaticBrokerSource : DefaultSource;
                    entries.Add(new Entry(key, value, source));
                }
                return (ErrorCode.None, null, entries);
            case BrokerResource:
                if (name != "" && name != options.NodeId.ToString())
                    return (ErrorCode.InvalidRequest, $"broker '{name}' is not this node ({options.NodeId})", []);
                var broker = new List<Entry>
                {
                    new("broker.id", options.NodeId.ToString(), StaticBrokerSource),
                    new("auto.create.topics.enable", options.AutoCreateTopics ? "true" : "false", StaticBrokerSource),
                    new("num.partitions", options.DefaultPartitions.ToString(), StaticBrokerSource),
                    new("default.replication.factor", "1", StaticBrokerSource),
                    new("transaction.max.timeout.ms", options.TransactionMaxTimeoutMs.ToString(), StaticBrokerSource),
                    new("group.initial.rebalance.delay.ms", options.GroupInitialRebalanceDelayMs.ToString(), StaticBrokerSource),
                    new("socket.request.max.bytes", options.MaxRequestBytes.ToString(), StaticBrokerSource),
                };
                foreach (var (k, val) in LogConfig.FromTopicConfigs(new Dictionary<string, string?>()).ToTopicConfigs())
                    broker.Add(new Entry("log." + k, options.DefaultTopicConfigs.GetValueOrDefault(k) ?? val, StaticBrokerSource));
                return (ErrorCode.None, null, broker);
            default:
                return (ErrorCode.InvalidRequest, $"resource type {type} is not supported (2 = topic, 4 = broker)", []);
        }
    }
}
