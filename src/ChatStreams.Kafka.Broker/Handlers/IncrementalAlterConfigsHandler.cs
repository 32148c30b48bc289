using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers;

/// <summary>IncrementalAlterConfigs v0 for topic configs: SET, DELETE, APPEND and SUBTRACT (list values).</summary>
public sealed class IncrementalAlterConfigsHandler(TopicCatalog catalog) : IRequestHandler
{
    private const sbyte Set = 0, Delete = 1, Append = 2, Subtract = 3;

    public ApiKey Key => ApiKey.IncrementalAlterConfigs;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var resources = r.Array(false, x =>
        {
            var type = x.Int8();
            var name = x.String(false);
            var ops = x.Array(false, y => (Name: y.String(false), Op: y.Int8(), Value: y.NullableString(false)));
            return (type, name, ops);
        });
        var validateOnly = r.Bool();

        w.Int32(0);
        w.ArrayLength(resources.Count, false);
        foreach (var (type, name, ops) in resources)
        {
            var result = type != DescribeConfigsHandler.TopicResource
                ? new TopicCatalog.Result(ErrorCode.InvalidRequest, "only topic configs can be altered on the embedded broker")
                : Alter(name, ops, validateOnly);
            w.Int16((short)result.Error);
            w.String(result.Message, false);
            w.Int8(type);
            w.String(name, false);
        }
        return ValueTask.CompletedTask;
    }

    private TopicCatalog.Result Alter(string name, List<(string Name, sbyte Op, string? Value)> ops, bool validateOnly)
    {
        var topic = catalog.Find(name);
        if (topic is null) return new(ErrorCode.UnknownTopicOrPartition, $"topic '{name}' does not exist");
        var configs = new Dictionary<string, string?>(topic.Configs, StringComparer.Ordinal);
        var effective = topic.LogConfig.ToTopicConfigs();
        foreach (var (key, op, value) in ops)
        {
            switch (op)
            {
                case Set:
                    configs[key] = value;
                    break;
                case Delete:
                    configs.Remove(key);
                    break;
                case Append or Subtract:
                    var current = (configs.GetValueOrDefault(key) ?? effective.GetValueOrDefault(key) ?? "")
                        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
                    var items = (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (op == Append) current.AddRange(items.Where(i => !current.Contains(i)));
                    else current.RemoveAll(items.Contains);
                    configs[key] = string.Join(',', current);
                    break;
                default:
                    return new(ErrorCode.InvalidRequest, $"config operation {op} is unknown (0 set, 1 delete, 2 append, 3 subtract)");
            }
        }
        return catalog.SetConfigs(name, configs, validateOnly);
    }
}
