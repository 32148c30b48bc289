using ChatStreams.Contracts;
using ChatStreams.Edge.Connections;
using ChatStreams.Kafka;
using chatstreams.v1;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge.Kafka;

/// <summary>
/// Consumes this edge's own topic delivery.&lt;edge id&gt; (read_committed: only what the topologies committed) and
/// hands each delivery to the user's sockets here. It starts at the topic's end: deliveries from before this process
/// were for sockets that no longer exist, and their clients resume from history. Nothing is committed. Partitions
/// added to the topic later (rescaling) are picked up from their beginning.
/// </summary>
public sealed class DeliveryListener(
    ConnectionRegistry connections,
    IOptions<KafkaOptions> kafka,
    IOptions<EdgeOptions> edge,
    IOptions<TopicSettings> topics,
    ChatSerdes serdes,
    EdgeMetrics metrics,
    ILoggerFactory loggers) : BackgroundService
{
    private static readonly TimeSpan PartitionCheckInterval = TimeSpan.FromSeconds(30);
    private readonly ILogger _logger = loggers.CreateLogger<DeliveryListener>();
    private readonly TaskCompletionSource _positioned = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Topic => Topics.Delivery(edge.Value.Id);

    /// <summary>True once the listener holds a position on every partition: from then on no delivery is missed.</summary>
    public bool IsReady => _positioned.Task.IsCompleted;

    // The loop blocks in Consume: it keeps a thread of its own for its whole life. An async loop would resume on a
    // thread-pool thread after its first await and then block it for good, leaving the sockets' and Kestrel's async work
    // (two pool threads on a 2-core machine) waiting for the pool to notice and add threads: a second of delay at times.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken ct)
    {
        var deserializer = serdes.ConsumerDeserializer<Delivery>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                Follow(deserializer, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                _logger.LogError(e, "Following {Topic} failed; starting again in 2 s.", Topic);
                ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(2));
            }
        }
    }

    private void Follow(IDeserializer<Delivery> deserializer, CancellationToken ct)
    {
        using (var provisioning = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka.Value, $"{edge.Value.Id}-delivery-admin")).Build())
            new TopicProvisioner(provisioning, loggers.CreateLogger<TopicProvisioner>()).EnsureAsync([topics.Value.DeliverySpec(edge.Value.Id)], ct).GetAwaiter().GetResult();

        var config = KafkaClientConfigs.Consumer(kafka.Value, $"{edge.Value.Id}-deliveries", $"chatstreams-edge-{edge.Value.Id}");
        // The broker answers a parked fetch as soon as a committed delivery arrives, so this only bounds how often an
        // edge with nothing to deliver asks again: 10 ms made it ~100 empty fetches a second, also between commits.
        config.FetchWaitMaxMs = 500;
        using var consumer = new ConsumerBuilder<string, byte[]?>(config).SetKeyDeserializer(ChatSerdes.KeyDeserializer).Build();
        // Shares the consumer's client: the check every 30 s is one metadata request on an open connection, not a new
        // client to connect and tear down on the thread that delivers (that took up to ~0.3 s, a delay every 30 s).
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var assigned = new HashSet<int>();
        // Exact end offsets, not Offset.End: a record written between now and the first fetch must not be skipped.
        AssignNewPartitions(consumer, admin, assigned, fromEnd: true);
        _positioned.TrySetResult();
        _logger.LogInformation("Edge {Edge} follows {Topic} ({Partitions} partitions).", edge.Value.Id, Topic, assigned.Count);
        var nextCheck = DateTime.UtcNow + PartitionCheckInterval;
        while (!ct.IsCancellationRequested)
        {
            if (DateTime.UtcNow >= nextCheck)
            {
                AssignNewPartitions(consumer, admin, assigned, fromEnd: false);
                nextCheck = DateTime.UtcNow + PartitionCheckInterval;
            }
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message.Value is not { } value) continue;
            Delivery delivery;
            try
            {
                delivery = deserializer.Deserialize(value, false, new SerializationContext(MessageComponentType.Value, result.Topic, result.Message.Headers));
            }
            catch (Exception e) when (e is InvalidDataException or Avro.AvroException or ArgumentException or InvalidOperationException)
            {
                _logger.LogWarning("Skipped an unreadable delivery at {Topic}[{Partition}]@{Offset}: {Reason}", result.Topic, result.Partition.Value, result.Offset.Value, e.Message);
                continue;
            }
            using var span = EdgeTracing.Source.StartActivity($"deliver {result.Topic}", System.Diagnostics.ActivityKind.Consumer, TraceHeaders.Extract(result.Message.Headers));
            TraceHeaders.Tag(span, result.Topic, result.Partition.Value, result.Offset.Value);
            span?.SetTag("chatstreams.user.id", delivery.UserId);
            var sockets = 0;
            foreach (var connection in connections.ForUser(delivery.UserId, delivery.DeviceId))
            {
                connection.Deliver(delivery);
                sockets++;
            }
            span?.SetTag("chatstreams.sockets", sockets);
            metrics.Delivered(delivery, sockets);
        }
    }

    private void AssignNewPartitions(IConsumer<string, byte[]?> consumer, IAdminClient admin, HashSet<int> assigned, bool fromEnd)
    {
        var metadata = admin.GetMetadataRetrying(Topic, TimeSpan.FromSeconds(10));
        var partitions = metadata.Topics.Single().Partitions.Select(p => p.PartitionId).Where(p => !assigned.Contains(p)).ToList();
        if (partitions.Count == 0) return;
        var positions = partitions.Select(p =>
        {
            var partition = new TopicPartition(Topic, p);
            Offset start = fromEnd ? consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High : Offset.Beginning;
            return new TopicPartitionOffset(partition, start);
        }).ToList();
        consumer.IncrementalAssign(positions);
        assigned.UnionWith(partitions);
        if (!fromEnd) _logger.LogInformation("{Topic} grew: now following partitions {Partitions} as well.", Topic, string.Join(", ", partitions));
    }
}
