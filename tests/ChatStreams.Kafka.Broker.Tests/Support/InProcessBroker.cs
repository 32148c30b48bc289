using ChatStreams.Kafka.Broker.Server;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ChatStreams.Kafka.Broker.Tests.Support;

/// <summary>The embedded broker in the test process, on a free loopback port, with its own data directory.</summary>
public sealed class InProcessBroker : IAsyncDisposable
{
    private readonly TempDirectory? _ownedDirectory;

    private InProcessBroker(KafkaBroker broker, BrokerOptions options, TempDirectory? owned)
    {
        Broker = broker;
        Options = options;
        _ownedDirectory = owned;
    }

    public KafkaBroker Broker { get; private set; }
    public BrokerOptions Options { get; }
    public string BootstrapServers => Broker.BootstrapServers;

    public static async Task<InProcessBroker> StartAsync(string? dataDirectory = null, Action<BrokerOptions>? configure = null)
    {
        var owned = dataDirectory is null ? new TempDirectory("broker") : null;
        var options = new BrokerOptions { DataDirectory = dataDirectory ?? owned!.Path, Port = 0, GroupInitialRebalanceDelayMs = 0 };
        configure?.Invoke(options);
        return new InProcessBroker(await KafkaBroker.StartAsync(options), options, owned);
    }

    /// <summary>Clean restart on the same port and data.</summary>
    public async Task RestartAsync()
    {
        var port = Broker.Port;
        await Broker.DisposeAsync();
        Options.Port = port;
        Broker = await KafkaBroker.StartAsync(Options);
    }

    public IAdminClient Admin() => new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();

    public async Task CreateTopicAsync(string name, int partitions, Dictionary<string, string>? configs = null)
    {
        using var admin = Admin();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = 1, Configs = configs }]);
    }

    public async ValueTask DisposeAsync()
    {
        await Broker.DisposeAsync();
        _ownedDirectory?.Dispose();
    }
}
