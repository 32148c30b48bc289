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

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => RunAsync(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task RunAsync(CancellationToken ct)
    {
        var deserializer = serdes.Deserializer<Delivery>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await FollowAsync(deserializer, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                _logger.LogError(e, "Following {Topic} failed; starting again in 2 s.", Topic);
                try { await Task.Delay(TimeSpan.FromSeconds(2), ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task FollowAsync(IAsyncDeserializer<Delivery> deserializer, CancellationToken ct)
    {
        using (var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka.Value, $"{edge.Value.Id}-delivery-admin")).Build())
            await new TopicProvisioner(admin, loggers.CreateLogger<TopicProvisioner>()).EnsureAsync([topics.Value.DeliverySpec(edge.Value.Id)], ct);

        var config = KafkaClientConfigs.Consumer(kafka.Value, $"{edge.Value.Id}-deliveries", $"chatstreams-edge-{edge.Value.Id}");
        config.FetchWaitMaxMs = 10;
        using var consumer = new ConsumerBuilder<string, byte[]?>(config).SetKeyDeserializer(ChatSerdes.KeyDeserializer).Build();
        var assigned = new HashSet<int>();
        // Exact end offsets, not Offset.End: a record written between now and the first fetch must not be skipped.
        AssignNewPartitions(consumer, assigned, fromEnd: true);
        _positioned.TrySetResult();
        _logger.LogInformation("Edge {Edge} follows {Topic} ({Partitions} partitions).", edge.Value.Id, Topic, assigned.Count);
        var nextCheck = DateTime.UtcNow + PartitionCheckInterval;
        while (!ct.IsCancellationRequested)
        {
            if (DateTime.UtcNow >= nextCheck)
            {
                AssignNewPartitions(consumer, assigned, fromEnd: false);
                nextCheck = DateTime.UtcNow + PartitionCheckInterval;
            }
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result?.Message.Value is not { } value) continue;
            Delivery delivery;
            try
            {
                delivery = await deserializer.DeserializeAsync(value, false, new SerializationContext(MessageComponentType.Value, result.Topic, result.Message.Headers));
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

    private void AssignNewPartitions(IConsumer<string, byte[]?> consumer, HashSet<int> assigned, bool fromEnd)
    {
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka.Value, $"{edge.Value.Id}-delivery-admin")).Build();
        var metadata = admin.GetMetadata(Topic, TimeSpan.FromSeconds(10));
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
