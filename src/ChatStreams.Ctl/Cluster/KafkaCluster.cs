using ChatStreams.Kafka;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ChatStreams.Ctl.Cluster;

/// <summary>
/// chatctl's connection to Kafka: an admin client for metadata, groups and offsets, and a consumer that never joins a
/// group (assign only) for watermarks and reading topics. Every failure becomes a <see cref="ClusterException"/> that
/// names the bootstrap servers and what to check.
/// </summary>
public sealed class KafkaCluster : IDisposable
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly IAdminClient _admin;
    private readonly Lazy<IConsumer<byte[]?, byte[]?>> _reader;

    public KafkaCluster(KafkaOptions kafka)
    {
        Options = kafka;
        Bootstrap = kafka.BootstrapServers;
        _admin = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka, "chatctl")).SetLogHandler((_, _) => { }).Build();
        _reader = new(() =>
        {
            // No group is joined and nothing is committed: the group id is only required by the client.
            var config = KafkaClientConfigs.Consumer(kafka, "chatctl-reader", "chatctl-reader");
            config.EnablePartitionEof = true;
            return new ConsumerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, _) => { }).Build();
        });
    }

    public string Bootstrap { get; }

    /// <summary>The Kafka settings the cluster was opened with (for readers of their own, such as the generation records).</summary>
    public KafkaOptions Options { get; }

    public IAdminClient Admin => _admin;

    public IConsumer<byte[]?, byte[]?> Reader => _reader.Value;

    /// <summary>Broker metadata; a broker that does not answer is the first thing an operator needs to hear about.</summary>
    public Metadata Metadata()
    {
        try
        {
            return _admin.GetMetadata(RequestTimeout);
        }
        catch (KafkaException e)
        {
            throw Unreachable(e);
        }
    }

    public ClusterException Unreachable(KafkaException e) => new(
        $"no Kafka broker answered at {Bootstrap} ({e.Error.Reason}): check --bootstrap or Kafka__BootstrapServers, and that the cluster " +
        "(or `chatstreams up`) is running.", e);

    /// <summary>The user topics (no __internal ones) with their partition ids, by name.</summary>
    public SortedDictionary<string, int[]> Topics() => new(Metadata().Topics
        .Where(t => t.Error.Code == ErrorCode.NoError && !t.Topic.StartsWith("__", StringComparison.Ordinal))
        .ToDictionary(t => t.Topic, t => t.Partitions.Select(p => p.PartitionId).Order().ToArray()), StringComparer.Ordinal);

    public WatermarkOffsets Watermarks(string topic, int partition) => Reader.QueryWatermarkOffsets(new TopicPartition(topic, partition), RequestTimeout);

    public void Dispose()
    {
        if (_reader.IsValueCreated) _reader.Value.Close();
        if (_reader.IsValueCreated) _reader.Value.Dispose();
        _admin.Dispose();
    }
}
