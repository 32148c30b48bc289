using ChatStreams.Contracts;
using ChatStreams.Kafka;
using chatstreams.v1;
using Confluent.Kafka;
using Confluent.SchemaRegistry.Serdes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge.History;

/// <summary>
/// Follows chat.events from where it ends when the edge starts (the sequencer's decisions that REST calls wait for)
/// and chat.presence from its beginning (compacted: the latest presence of every user), read_committed. Partitions
/// are assigned, not subscribed: every edge reads them all and commits nothing. History itself is not folded here:
/// it comes from the history store. Ready once every partition reached its end once.
/// </summary>
public sealed class LiveEventFeed(
    DecisionWatches decisions,
    PresenceBoard presence,
    IOptions<KafkaOptions> kafka,
    IOptions<EdgeOptions> edge,
    ChatSerdes serdes,
    ILogger<LiveEventFeed> logger) : BackgroundService
{
    private static readonly string[] SourceTopics = [Topics.ChatEvents, Topics.ChatPresence];
    private volatile bool _ready;

    public bool IsReady => _ready;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task Run(CancellationToken ct)
    {
        var events = serdes.Deserializer<ChatEvent>();
        var changes = serdes.Deserializer<PresenceChange>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await FollowAsync(events, changes, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // Decisions missed meanwhile time out as pending (202); presence is re-read from the start, which is idempotent.
                logger.LogError(e, "Following chat.events and chat.presence failed; starting again in 2 s.");
                try { await Task.Delay(TimeSpan.FromSeconds(2), ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task FollowAsync(IAsyncDeserializer<ChatEvent> events, IAsyncDeserializer<PresenceChange> changes, CancellationToken ct)
    {
        var config = KafkaClientConfigs.Consumer(kafka.Value, $"{edge.Value.Id}-feed", $"chatstreams-edge-{edge.Value.Id}-feed");
        config.EnablePartitionEof = true;
        config.FetchWaitMaxMs = 20;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        var partitions = await TopicPartitionsAsync(ct);
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, p.Topic == Topics.ChatEvents ? Offset.End : Offset.Beginning)));
        var notAtEnd = new HashSet<TopicPartition>(partitions);
        logger.LogInformation("Following {Partitions} partitions of {Topics}.", partitions.Count, string.Join(", ", SourceTopics));
        while (!ct.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null) continue;
            if (result.IsPartitionEOF)
            {
                if (notAtEnd.Remove(result.TopicPartition) && notAtEnd.Count == 0 && !_ready)
                {
                    _ready = true;
                    logger.LogInformation("Following chat.events live; presence of every user read.");
                }
                continue;
            }
            if (result.Message.Value is not { } value) continue;
            var context = new SerializationContext(MessageComponentType.Value, result.Topic, result.Message.Headers);
            try
            {
                if (result.Topic == Topics.ChatEvents) decisions.Decided(await events.DeserializeAsync(value, false, context));
                else presence.Apply(await changes.DeserializeAsync(value, false, context));
            }
            catch (Exception e) when (e is InvalidDataException or Avro.AvroException or ArgumentException or InvalidOperationException)
            {
                logger.LogWarning("Skipped an unreadable record at {Topic}[{Partition}]@{Offset}: {Reason}", result.Topic, result.Partition.Value, result.Offset.Value, e.Message);
            }
        }
    }

    private async Task<List<TopicPartition>> TopicPartitionsAsync(CancellationToken ct)
    {
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka.Value, $"{edge.Value.Id}-feed-admin")).Build();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            var found = SourceTopics
                .Select(t => metadata.Topics.FirstOrDefault(m => m.Topic == t && m.Error.Code == ErrorCode.NoError && m.Partitions.Count > 0))
                .ToList();
            if (found.All(t => t is not null))
                return found.SelectMany(t => t!.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId))).ToList();
            logger.LogWarning("Waiting for topics {Topics} to exist (they are created at system start-up).", string.Join(", ", SourceTopics));
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }
    }
}
