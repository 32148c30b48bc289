using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Kafka.Broker;
using ChatStreams.Kafka.Broker.Server;
using ChatStreams.SchemaRegistry;
using ChatStreams.TestSupport;
using Confluent.Kafka;
using Confluent.SchemaRegistry;

namespace ChatStreams.Notifications.Tests.Support;

/// <summary>
/// The embedded broker and schema registry on free loopback ports, every schema registered and the chat topics created
/// as the host does (as tests/ChatStreams.Sinks.Tests does); the sender connects over TCP as to real servers.
/// </summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    public const int Partitions = 4;

    private readonly TempDirectory _data = new("notifications-broker");
    private KafkaBroker? _broker;
    private SchemaRegistryServer? _registry;

    public KafkaOptions Kafka => new() { BootstrapServers = _broker!.BootstrapServers };

    public ISchemaRegistryClient Registry { get; private set; } = null!;

    public ChatSerdes Serdes { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _broker = await KafkaBroker.StartAsync(new BrokerOptions
        {
            Host = "127.0.0.1", Port = 0, DataDirectory = _data.Path, GroupInitialRebalanceDelayMs = 0, HousekeepingIntervalMs = 200,
        });
        _registry = await SchemaRegistryServer.StartAsync(new SchemaRegistryOptions { Host = "127.0.0.1", Port = 0 });
        await SchemaFolder.RegisterAllAsync(_registry, RepositoryPaths.SchemasFolder);
        var options = new SchemaRegistryClientOptions { Url = _registry.Url };
        Registry = options.CreateClient();
        Serdes = new ChatSerdes(Registry, options);
        var topics = new TopicSettings();
        topics.Notifications.Partitions = Partitions;
        using var admin = Admin();
        await TopicProvisioner.CreateAsync(admin, topics.FixedSpecs().ToList());
    }

    public IAdminClient Admin() => new AdminClientBuilder(KafkaClientConfigs.Admin(Kafka, "notifications-test")).Build();

    /// <summary>The offsets a group committed on a topic, per partition (partitions without a commit are left out).</summary>
    public async Task<Dictionary<int, long>> CommittedAsync(string group, string topic)
    {
        using var admin = Admin();
        var result = await admin.ListConsumerGroupOffsetsAsync(
            [new ConsumerGroupTopicPartitions(group, Enumerable.Range(0, Partitions).Select(p => new TopicPartition(topic, p)).ToList())]);
        return result.Single().Partitions.Where(p => p.Offset.Value >= 0).ToDictionary(p => p.Partition.Value, p => p.Offset.Value);
    }

    public Dictionary<int, long> EndOffsets(string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(Kafka, "notifications-test-ends", "notifications-test-ends")).Build();
        return Enumerable.Range(0, Partitions).ToDictionary(p => p,
            p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
    }

    public async Task DisposeAsync()
    {
        Registry?.Dispose();
        if (_registry is not null) await _registry.DisposeAsync();
        if (_broker is not null)
        {
            var stopping = _broker.DisposeAsync().AsTask();
            if (await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(30))) != stopping) return;
        }
        _data.Dispose();
    }
}
