using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Kafka.Broker;
using ChatStreams.Kafka.Broker.Server;
using ChatStreams.SchemaRegistry;
using ChatStreams.Streams;
using ChatStreams.Topologies;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Bench.Topologies;

/// <summary>
/// The chat pipeline as `chatstreams up` runs it, in this process on loopback free ports: the embedded schema registry
/// with schemas/ registered, the embedded broker on disk (durable: acks=all answered after the fsync), the chat
/// topics created as the host provisions them (plus the two edges' delivery topics, as edges create theirs at start),
/// and the conversation and fan-out topologies, each its own exactly-once <see cref="KafkaStreams"/> application.
/// </summary>
public sealed class EmbeddedChatPipeline : IAsyncDisposable
{
    private readonly List<string> _directories = [];
    private SchemaRegistryServer? _registry;
    private ISchemaRegistryClient? _registryClient;
    private KafkaBroker? _broker;
    private ChatProcessors? _processors;
    private Exception? _topologyFailure;

    private EmbeddedChatPipeline() { }

    public KafkaOptions Kafka { get; private set; } = null!;
    public ChatSerdes Serdes { get; private set; } = null!;
    public TopicSettings TopicSettings { get; private set; } = null!;

    /// <summary>Set when a topology stopped for good: nothing after it is a measurement.</summary>
    public Exception? TopologyFailure => Volatile.Read(ref _topologyFailure);

    public static async Task<EmbeddedChatPipeline> StartAsync(TopologiesBenchSettings settings, TopologyOptions options, ILoggerFactory loggers)
    {
        var pipeline = new EmbeddedChatPipeline();
        try
        {
            await pipeline.StartRegistryAsync(settings.SchemasFolder, loggers);
            await pipeline.StartBrokerAsync(settings, loggers);
            await pipeline.StartTopologiesAsync(settings, options, loggers);
            return pipeline;
        }
        catch
        {
            await pipeline.DisposeAsync();
            throw;
        }
    }

    private async Task StartRegistryAsync(string schemasFolder, ILoggerFactory loggers)
    {
        _registry = await SchemaRegistryServer.StartAsync(new SchemaRegistryOptions { Host = "127.0.0.1", Port = 0 }, loggers);
        await SchemaFolder.RegisterAllAsync(_registry, schemasFolder);
        var client = new SchemaRegistryClientOptions { Url = _registry.Url };
        _registryClient = client.CreateClient();
        Serdes = new ChatSerdes(_registryClient, client);
    }

    private async Task StartBrokerAsync(TopologiesBenchSettings settings, ILoggerFactory loggers)
    {
        var data = NewDirectory(settings.DataParent, "broker");
        // No initial rebalance delay: each topology's group forms as soon as its one member joins.
        _broker = await KafkaBroker.StartAsync(new BrokerOptions { Host = "127.0.0.1", Port = 0, DataDirectory = data, GroupInitialRebalanceDelayMs = 0 }, loggers);
        Kafka = new KafkaOptions { BootstrapServers = _broker.BootstrapServers, ClientIdPrefix = "chatstreams-bench" };

        TopicSettings = new TopicSettings();
        foreach (var topic in new[] { TopicSettings.Commands, TopicSettings.Events, TopicSettings.Sessions, TopicSettings.Receipts, TopicSettings.Presence, TopicSettings.Notifications, TopicSettings.Delivery })
            topic.Partitions = settings.Partitions;
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(Kafka, "bench-admin")).Build();
        await TopicProvisioner.CreateAsync(admin, TopicSettings.AllSpecs(BenchConversations.Edges).ToList());
    }

    private async Task StartTopologiesAsync(TopologiesBenchSettings settings, TopologyOptions options, ILoggerFactory loggers)
    {
        var streams = new StreamsConfig
        {
            ApplicationId = "chatstreams-bench", // each application gets its own id from ChatProcessors
            Kafka = Kafka,
            ProcessingGuarantee = ProcessingGuarantee.ExactlyOnceV2,
            CommitIntervalMs = settings.CommitIntervalMs,
            StateDirectory = NewDirectory(settings.DataParent, "state"),
        };
        var serdes = new ContractSerdes(Serdes);
        _processors = await ChatProcessors.StartAsync([ChatApplications.Conversation, ChatApplications.FanOut], streams, serdes, options, TopicSettings, loggers);
        _processors.Failed += (_, failure) => Interlocked.CompareExchange(ref _topologyFailure,
            new InvalidOperationException($"topology {failure.Application.Name} stopped: {failure.Error?.Message}", failure.Error), null);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!_processors.AllRunning)
        {
            if (TopologyFailure is { } failed) throw failed;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the topologies did not reach Running within 2 minutes");
            await Task.Delay(50);
        }
    }

    /// <summary>The offsets a topology's consumer group committed on a topic, per partition (none yet: left out).</summary>
    public async Task<IReadOnlyDictionary<int, long>> CommittedAsync(string applicationId, string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(Kafka, "bench-admin")).Build();
        var request = new ConsumerGroupTopicPartitions(applicationId, Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToList());
        var result = await admin.ListConsumerGroupOffsetsAsync([request]);
        return result.Single().Partitions.Where(p => p.Offset.Value >= 0).ToDictionary(p => p.Partition.Value, p => p.Offset.Value);
    }

    private string NewDirectory(string parent, string name)
    {
        var path = Path.Combine(parent, $"chatstreams-bench-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        _directories.Add(path);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (_processors is not null) await _processors.DisposeAsync();
        if (_broker is not null) await _broker.DisposeAsync();
        _registryClient?.Dispose();
        if (_registry is not null) await _registry.DisposeAsync();
        foreach (var directory in _directories.Where(Directory.Exists)) Directory.Delete(directory, recursive: true);
    }
}
