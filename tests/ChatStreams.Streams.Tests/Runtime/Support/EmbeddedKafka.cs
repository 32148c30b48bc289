using ChatStreams.Kafka;
using ChatStreams.Kafka.Broker;
using ChatStreams.Kafka.Broker.Server;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ChatStreams.Streams.Tests.Runtime.Support;

/// <summary>The embedded broker in the test process on a free loopback port, plus the client chores the tests need.</summary>
public sealed class EmbeddedKafka : IAsyncDisposable
{
    private readonly TempDirectory _data;
    private readonly KafkaBroker _broker;
    private readonly BrokerOptions _options;

    private EmbeddedKafka(KafkaBroker broker, BrokerOptions options, TempDirectory data)
    {
        _broker = broker;
        _options = options;
        _data = data;
    }

    public string BootstrapServers => _broker.BootstrapServers;

    /// <summary>The broker's request faults: rates set here apply to the requests that arrive from then on.</summary>
    public RequestFaultOptions Faults => _options.Faults;

    /// <summary>Requests whose connection was closed before or after them, and answers held back, so far.</summary>
    public (long DropBefore, long DropAfter, long Delays) InjectedFaults => _broker.InjectedFaults;

    public static async Task<EmbeddedKafka> StartAsync()
    {
        var data = new TempDirectory("streams-broker");
        var options = new BrokerOptions
        {
            DataDirectory = data.Path, Port = 0, GroupInitialRebalanceDelayMs = 0, HousekeepingIntervalMs = 200,
        };
        var broker = await KafkaBroker.StartAsync(options);
        return new EmbeddedKafka(broker, options, data);
    }

    public StreamsConfig Config(string applicationId, string stateDirectory, Action<StreamsConfig>? configure = null)
    {
        var config = new StreamsConfig { ApplicationId = applicationId, StateDirectory = stateDirectory, CommitIntervalMs = 100 };
        config.Kafka.BootstrapServers = BootstrapServers;
        configure?.Invoke(config);
        return config;
    }

    public IAdminClient Admin() => new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();

    public async Task CreateTopicAsync(string name, int partitions, Dictionary<string, string>? configs = null)
    {
        using var admin = Admin();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = 1, Configs = configs }]);
    }

    /// <summary>Partition count per topic that exists.</summary>
    public Dictionary<string, int> Topics()
    {
        using var admin = Admin();
        return admin.GetMetadataRetrying(TimeSpan.FromSeconds(10)).Topics.Where(t => t.Error.Code == ErrorCode.NoError)
            .ToDictionary(t => t.Topic, t => t.Partitions.Count);
    }

    /// <summary>Sum of the high watermarks of a topic's partitions (grows with every write, committed or not).</summary>
    public long EndOffsets(string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = "probe" }).Build();
        return Enumerable.Range(0, Topics()[topic])
            .Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
    }

    /// <summary>Sum over a topic's partitions of the offsets a consumer group committed (input records done).</summary>
    public async Task<long> CommittedAsync(string group, string topic)
    {
        using var admin = Admin();
        var partitions = Enumerable.Range(0, Topics()[topic]).Select(p => new TopicPartition(topic, p)).ToList();
        var result = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, partitions)]);
        return result.Single().Partitions.Where(p => p.Offset.Value >= 0).Sum(p => p.Offset.Value);
    }

    public async Task<Dictionary<string, string>> TopicConfigsAsync(string topic)
    {
        using var admin = Admin();
        var result = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }]);
        return result.Single().Entries.ToDictionary(e => e.Key, e => e.Value.Value);
    }

    /// <summary>An idempotent string producer partitioning like the Java client (murmur2).</summary>
    public IProducer<string, string> StringProducer() => new ProducerBuilder<string, string>(new ProducerConfig
    {
        BootstrapServers = BootstrapServers, EnableIdempotence = true, LingerMs = 5, Partitioner = Partitioner.Murmur2Random,
    }).Build();

    /// <summary>Produces string records (idempotent producer, waits for every ack).</summary>
    public void Produce(string topic, IEnumerable<(string Key, string Value)> records)
    {
        using var producer = StringProducer();
        Produce(producer, topic, records);
    }

    public static void Produce(IProducer<string, string> producer, string topic, IEnumerable<(string Key, string Value)> records)
    {
        foreach (var (key, value) in records)
        {
            while (true)
            {
                try
                {
                    producer.Produce(topic, new Message<string, string> { Key = key, Value = value });
                    break;
                }
                catch (ProduceException<string, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }
        if (producer.Flush(TimeSpan.FromSeconds(60)) != 0) throw new TimeoutException($"records to {topic} were not acknowledged");
    }

    public void ProduceBytes(string topic, IEnumerable<(byte[]? Key, byte[]? Value)> records)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = BootstrapServers, EnableIdempotence = true, Partitioner = Partitioner.Murmur2Random,
        }).Build();
        foreach (var (key, value) in records) producer.Produce(topic, new Message<byte[]?, byte[]?> { Key = key, Value = value });
        if (producer.Flush(TimeSpan.FromSeconds(60)) != 0) throw new TimeoutException($"records to {topic} were not acknowledged");
    }

    /// <summary>
    /// Reads every partition of <paramref name="topic"/> from the beginning with read_committed until
    /// <paramref name="expected"/> records arrived (or <paramref name="timeout"/>), then a quiet second more, so
    /// extra records (duplicates) show up too.
    /// </summary>
    public List<ConsumeResult<byte[]?, byte[]?>> ReadCommitted(string topic, int expected, TimeSpan timeout)
    {
        var partitions = Topics()[topic];
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers, GroupId = "verifier-" + Guid.NewGuid(), IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var all = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow + timeout;
        while (all.Count < expected && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false, Message: not null } r) all.Add(r);
        var quietUntil = DateTime.UtcNow.AddSeconds(1);
        while (DateTime.UtcNow < quietUntil)
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false, Message: not null } r) all.Add(r);
        return all;
    }

    /// <summary>Everything committed in <paramref name="topic"/> now: reads every partition (read_committed) to its end.</summary>
    public List<ConsumeResult<byte[]?, byte[]?>> ReadToEnd(string topic)
    {
        var partitions = Topics()[topic];
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers, GroupId = "verifier-" + Guid.NewGuid(), IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false, EnablePartitionEof = true,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var all = new List<ConsumeResult<byte[]?, byte[]?>>();
        var atEnd = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (atEnd.Count < partitions)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"could not read {topic} to its end");
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r is null) continue;
            if (r.IsPartitionEOF) atEnd.Add(r.Partition.Value);
            else
            {
                atEnd.Remove(r.Partition.Value);
                all.Add(r);
            }
        }
        return all;
    }

    public async ValueTask DisposeAsync()
    {
        await _broker.DisposeAsync();
        _data.Dispose();
    }
}
