using ChatStreams.TestSupport;
using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Kafka.Broker;
using ChatStreams.Kafka.Broker.Server;
using ChatStreams.SchemaRegistry;
using Confluent.Kafka;
using Confluent.SchemaRegistry;

namespace ChatStreams.Sinks.Tests.Support;

/// <summary>
/// The embedded broker and schema registry on free loopback ports (every schema registered, the chat topics created
/// as the host does), shared by the tests of a class; sink processes connect to them over TCP like to real servers.
/// </summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    public const int Partitions = 4;

    private readonly TempDirectory _data = new("sinks-broker");
    private KafkaBroker? _broker;
    private SchemaRegistryServer? _registry;

    public string BootstrapServers => _broker!.BootstrapServers;

    public KafkaOptions Kafka => new() { BootstrapServers = BootstrapServers };

    public string RegistryUrl => _registry!.Url;

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
        topics.Events.Partitions = Partitions;
        topics.Receipts.Partitions = Partitions;
        topics.Commands.Partitions = Partitions;
        topics.Sessions.Partitions = Partitions;
        topics.Presence.Partitions = Partitions;
        topics.Notifications.Partitions = Partitions;
        using var admin = Admin();
        await TopicProvisioner.CreateAsync(admin, topics.FixedSpecs().ToList());
    }

    /// <summary>
    /// The environment of a `chatstreams sink` child process on this broker and registry: small batches, and a short
    /// session, because a member killed with SIGKILL never leaves its group and its restarted successor waits for the
    /// session to expire. <paramref name="store"/> adds the sink's store settings.
    /// </summary>
    public Dictionary<string, string> SinkEnvironment(int batchSize, params (string Key, string Value)[] store)
    {
        var environment = new Dictionary<string, string>
        {
            ["Kafka__BootstrapServers"] = BootstrapServers,
            ["SchemaRegistry__Url"] = RegistryUrl,
            ["Sinks__BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Sinks__BatchLinger"] = "00:00:00.050",
            ["Kafka__Extra__session.timeout.ms"] = "6000",
            ["Kafka__Extra__heartbeat.interval.ms"] = "1000",
        };
        foreach (var (key, value) in store) environment[key] = value;
        return environment;
    }

    public IAdminClient Admin() => new AdminClientBuilder(KafkaClientConfigs.Admin(Kafka, "sinks-test")).Build();

    public async Task CreateTopicAsync(string topic, int partitions)
    {
        using var admin = Admin();
        await TopicProvisioner.CreateAsync(admin, [new TopicSpec(topic, partitions, 1, new Dictionary<string, string>())]);
    }

    /// <summary>The offsets a group committed on a topic, per partition (partitions without a commit are left out).</summary>
    public async Task<Dictionary<int, long>> CommittedAsync(string group, string topic, int partitions)
    {
        using var admin = Admin();
        var result = await admin.ListConsumerGroupOffsetsAsync(
            [new ConsumerGroupTopicPartitions(group, Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToList())]);
        return result.Single().Partitions.Where(p => p.Offset.Value >= 0).ToDictionary(p => p.Partition.Value, p => p.Offset.Value);
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
