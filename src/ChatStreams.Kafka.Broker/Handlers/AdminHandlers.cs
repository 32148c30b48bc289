using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers;

/// <summary>The admin APIs: topics, partitions, configs and record deletion.</summary>
public static class AdminHandlers
{
    public static IEnumerable<IRequestHandler> Create(TopicCatalog catalog, BrokerOptions options) =>
    [
        new CreateTopicsHandler(catalog, options),
        new DeleteTopicsHandler(catalog),
        new CreatePartitionsHandler(catalog, options),
        new DescribeConfigsHandler(catalog, options),
        new IncrementalAlterConfigsHandler(catalog),
        new DeleteRecordsHandler(catalog),
    ];
}
