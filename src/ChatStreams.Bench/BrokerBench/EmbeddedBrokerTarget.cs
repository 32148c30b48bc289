using ChatStreams.Kafka.Broker;
using ChatStreams.Kafka.Broker.Server;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Bench.BrokerBench;

/// <summary>
/// The embedded broker in this process, on disk in a fresh temporary directory, with its default durable
/// settings (acks=all answered only after the fsync covering the records). The directory is deleted at the end.
/// </summary>
public sealed class EmbeddedBrokerTarget : IBenchTarget
{
    private readonly KafkaBroker _broker;

    private EmbeddedBrokerTarget(string name, KafkaBroker broker, string dataDirectory)
    {
        Name = name;
        _broker = broker;
        DataDirectory = dataDirectory;
    }

    public string Name { get; }
    public string BootstrapServers => _broker.BootstrapServers;
    public string DataDirectory { get; }

    public static async Task<EmbeddedBrokerTarget> StartAsync(string name, string parentDirectory, ILoggerFactory loggers)
    {
        var directory = Path.Combine(parentDirectory, $"chatstreams-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var broker = await KafkaBroker.StartAsync(new BrokerOptions { DataDirectory = directory, Port = 0 }, loggers);
        return new EmbeddedBrokerTarget(name, broker, directory);
    }

    public async Task CreateTopicAsync(string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    public async ValueTask DisposeAsync()
    {
        await _broker.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
