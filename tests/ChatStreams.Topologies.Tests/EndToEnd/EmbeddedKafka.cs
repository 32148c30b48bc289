using ChatStreams.TestSupport;
using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Kafka.Broker;
using ChatStreams.Kafka.Broker.Server;
using Confluent.Kafka;

namespace ChatStreams.Topologies.Tests.EndToEnd;

/// <summary>
/// The embedded broker in the test process on a free loopback port, with the chat topics created the way the host
/// provisions them. Worker processes connect to it over TCP like to any broker.
/// </summary>
public sealed class EmbeddedKafka : IAsyncDisposable
{
    private readonly TempDirectory _data;
    private readonly KafkaBroker _broker;

    private EmbeddedKafka(KafkaBroker broker, TempDirectory data)
    {
        _broker = broker;
        _data = data;
    }

    public string BootstrapServers => _broker.BootstrapServers;

    public KafkaOptions Options => new() { BootstrapServers = BootstrapServers };

    public static async Task<EmbeddedKafka> StartAsync()
    {
        var data = new TempDirectory("e2e-broker");
        try
        {
            // No initial rebalance delay: a group forms as soon as its members join, so restarts are not slowed down.
            var broker = await KafkaBroker.StartAsync(new BrokerOptions
            {
                Host = "127.0.0.1", Port = 0, DataDirectory = data.Path, GroupInitialRebalanceDelayMs = 0, HousekeepingIntervalMs = 200,
            });
            return new EmbeddedKafka(broker, data);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    public IAdminClient Admin() => new AdminClientBuilder(KafkaClientConfigs.Admin(Options, "e2e-test")).Build();

    /// <summary>Creates the fixed chat topics (chat.commands, chat.events, ...) as the host does.</summary>
    public async Task CreateTopicsAsync(TopicSettings settings)
    {
        using var admin = Admin();
        await TopicProvisioner.CreateAsync(admin, settings.FixedSpecs().ToList());
    }

    /// <summary>Partition count of each topic that exists now.</summary>
    public Dictionary<string, int> Topics()
    {
        using var admin = Admin();
        return admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics
            .Where(t => t.Error.Code == ErrorCode.NoError)
            .ToDictionary(t => t.Topic, t => t.Partitions.Count);
    }

    /// <summary>The offsets a consumer group committed on a topic, per partition (partitions without a commit are left out).</summary>
    public async Task<Dictionary<int, long>> CommittedAsync(string group, string topic)
    {
        using var admin = Admin();
        var partitions = Enumerable.Range(0, Topics()[topic]).Select(p => new TopicPartition(topic, p)).ToList();
        var result = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, partitions)]);
        return result.Single().Partitions.Where(p => p.Offset.Value >= 0).ToDictionary(p => p.Partition.Value, p => p.Offset.Value);
    }

    /// <summary>
    /// Stops the broker, but gives up after 30 s: a broker stuck in its own request handling (a deadlock) must not
    /// hang the test run. The test has failed by then anyway (its output stopped), and throwing here would hide that
    /// failure; the stuck broker's data directory is left behind for inspection.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var stopping = _broker.DisposeAsync().AsTask();
        if (await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(30))) != stopping) return;
        await stopping;
        _data.Dispose();
    }
}
