using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Kafka.Broker;
using ChatStreams.Kafka.Broker.Server;
using ChatStreams.SchemaRegistry;
using ChatStreams.TestSupport;
using chatstreams.v1;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Configuration;

namespace ChatStreams.Ctl.Tests;

/// <summary>
/// The embedded broker and schema registry on free loopback ports with every schema registered: the cluster chatctl
/// is pointed at with --bootstrap and SchemaRegistry__Url. Each test uses its own topic settings or group names.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly TempDirectory _data = new("chatctl-broker");
    private KafkaBroker? _broker;
    private SchemaRegistryServer? _registry;
    private ISchemaRegistryClient? _registryClient;

    public string Bootstrap => _broker!.BootstrapServers;
    public string RegistryUrl => _registry!.Url;
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
        _registryClient = options.CreateClient();
        Serdes = new ChatSerdes(_registryClient, options);
    }

    /// <summary>chatctl in-process against this cluster (settings as Section:Key), with --bootstrap added.</summary>
    public async Task<(int Exit, string Output, string Error)> ChatCtlAsync(Dictionary<string, string?> settings, params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["SchemaRegistry:Url"] = RegistryUrl,
        }).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ChatCtl.RunAsync([.. args, "--bootstrap", Bootstrap], output, error, configuration, default);
        return (exit, output.ToString(), error.ToString());
    }

    public IAdminClient Admin() => new AdminClientBuilder(KafkaClientConfigs.Admin(new KafkaOptions { BootstrapServers = Bootstrap }, "ctl-test")).Build();

    /// <summary>Produces records with the project's Avro serializer, keyed as the pipeline keys them.</summary>
    public async Task ProduceAsync<T>(string topic, IEnumerable<(string Key, T Value)> records) where T : Avro.Specific.ISpecificRecord
    {
        using var producer = new ProducerBuilder<string, T>(KafkaClientConfigs.Producer(new KafkaOptions { BootstrapServers = Bootstrap }, "ctl-test"))
            .SetKeySerializer(ChatSerdes.KeySerializer).SetValueSerializer(Serdes.Serializer<T>()).Build();
        foreach (var (key, value) in records) await producer.ProduceAsync(topic, new Message<string, T> { Key = key, Value = value });
    }

    /// <summary>Message events of one conversation, seq from..to, as the sequencer writes them.</summary>
    public static IEnumerable<(string, ChatEvent)> Messages(string conversation, int from, int to) =>
        Enumerable.Range(from, to - from + 1).Select(seq => (conversation, new ChatEvent
        {
            ConversationId = conversation, Seq = seq, EventId = $"{conversation}-e{seq}", CommandId = $"cmd-{conversation}-{seq}",
            UserId = "alice", DeviceId = "alice-phone", OccurredAt = DateTime.UtcNow,
            Payload = seq == 1
                ? new ConversationCreated { Kind = ConversationKind.Direct, Members = ["alice", "bob"], Admins = ["alice"] }
                : new MessageSent { MessageId = $"m-{seq}", Body = $"message {seq}", Attachments = [] },
        }));

    public async Task DisposeAsync()
    {
        _registryClient?.Dispose();
        if (_registry is not null) await _registry.DisposeAsync();
        if (_broker is not null) await _broker.DisposeAsync();
        _data.Dispose();
    }
}
