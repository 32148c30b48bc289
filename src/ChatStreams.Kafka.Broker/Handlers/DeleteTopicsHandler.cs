using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers;

/// <summary>DeleteTopics v0–v3.</summary>
public sealed class DeleteTopicsHandler(TopicCatalog catalog) : IRequestHandler
{
    public ApiKey Key => ApiKey.DeleteTopics;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var names = r.Array(false, x => x.String(false));
        r.Int32(); // timeout
        if (context.Version >= 1) w.Int32(0);
        w.ArrayLength(names.Count, false);
        foreach (var name in names)
        {
            var result = catalog.Find(name) is { IsInternal: true }
                ? new TopicCatalog.Result(ErrorCode.InvalidRequest, "internal topics cannot be deleted")
                : catalog.Delete(name);
            w.String(name, false);
            w.Int16((short)result.Error);
        }
        return ValueTask.CompletedTask;
    }
}
