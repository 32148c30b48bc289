using ChatStreams.Contracts;
using ChatStreams.Edge.Connections;
using ChatStreams.Kafka;
using ChatStreams.Kafka.Generations;
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
/// it comes from the history store. Ready once every partition reached its end once. After a partition rescale the
/// decisions are in a later generation of chat.events (chat.events.g2 …): every generation is followed, a new one from
/// its beginning as soon as the rescale creates it (decisions only need to be seen, not ordered across partitions).
/// Every decision also goes to the <see cref="LiveTailWatch"/>, which checks that this edge's sockets got it live.
/// </summary>
public sealed class LiveEventFeed(
    DecisionWatches decisions,
    PresenceBoard presence,
    LiveTailWatch liveTail,
    ConnectionRegistry connections,
    IOptions<KafkaOptions> kafka,
    IOptions<EdgeOptions> edge,
    ChatSerdes serdes,
    ILogger<LiveEventFeed> logger) : BackgroundService
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    // The loop blocks in Consume, so it keeps a thread of its own for its whole life (see DeliveryListener: an async
    // loop would hold a thread-pool thread for good after its first await).
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken ct)
    {
        var events = serdes.ConsumerDeserializer<ChatEvent>();
        var changes = serdes.ConsumerDeserializer<PresenceChange>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                Follow(events, changes, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // Decisions missed meanwhile time out as pending (202); presence is re-read from the start, which is idempotent.
                logger.LogError(e, "Following chat.events and chat.presence failed; starting again in 2 s.");
                ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(2));
            }
        }
    }

    private void Follow(IDeserializer<ChatEvent> events, IDeserializer<PresenceChange> changes, CancellationToken ct)
    {
        var config = KafkaClientConfigs.Consumer(kafka.Value, $"{edge.Value.Id}-feed", $"chatstreams-edge-{edge.Value.Id}-feed");
        config.EnablePartitionEof = true;
        // A parked fetch is answered as soon as a decision is committed; the wait bounds how often a quiet feed asks
        // (20 ms: ~50 empty fetches a second) and how soon a partition's end is reported at start (readiness).
        config.FetchWaitMaxMs = 100;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        var generations = new GenerationalTopics(kafka.Value, $"{edge.Value.Id}-feed", [Topics.ChatEvents], logger: logger);
        try
        {
            var changed = 0;
            generations.Changed += () => Interlocked.Exchange(ref changed, 1);
            generations.StartAsync(ct).GetAwaiter().GetResult();
            var followed = generations.Current.ToHashSet(StringComparer.Ordinal);
            var partitions = TopicPartitions([.. followed, Topics.ChatPresence], ct);
            // Only the newest generation gets decisions now; older ones end at their cutover markers.
            // Incremental from the start: generations added later are assigned the same way.
            consumer.IncrementalAssign(partitions.Select(p => new TopicPartitionOffset(p, followed.Contains(p.Topic) ? Offset.End : Offset.Beginning)));
            var notAtEnd = new HashSet<TopicPartition>(partitions);
            logger.LogInformation("Following {Partitions} partitions of {Topics}.", partitions.Count, string.Join(", ", followed.Append(Topics.ChatPresence)));
            while (!ct.IsCancellationRequested)
            {
                if (Interlocked.Exchange(ref changed, 0) == 1) FollowNewGenerations(consumer, generations, followed, ct);
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
                    if (result.Topic != Topics.ChatPresence) Decided(events.Deserialize(value, false, context));
                    else presence.Apply(changes.Deserialize(value, false, context));
                }
                catch (Exception e) when (e is InvalidDataException or Avro.AvroException or ArgumentException or InvalidOperationException)
                {
                    logger.LogWarning("Skipped an unreadable record at {Topic}[{Partition}]@{Offset}: {Reason}", result.Topic, result.Partition.Value, result.Offset.Value, e.Message);
                }
            }
        }
        finally
        {
            generations.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private void Decided(ChatEvent chatEvent)
    {
        decisions.Decided(chatEvent);
        liveTail.Decided(chatEvent, Environment.TickCount64, LiveTailWatch.NewMembers(chatEvent).SelectMany(user => connections.ForUser(user)));
    }

    /// <summary>Assigns the generations of chat.events a rescale created since, from their beginning.</summary>
    private void FollowNewGenerations(IConsumer<byte[]?, byte[]?> consumer, GenerationalTopics generations, HashSet<string> followed, CancellationToken ct)
    {
        var added = generations.Current.Where(t => !followed.Contains(t)).ToList();
        if (added.Count == 0) return;
        var partitions = TopicPartitions(added, ct);
        consumer.IncrementalAssign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        followed.UnionWith(added);
        logger.LogInformation("Following {Topics} too ({Partitions} partitions): a partition rescale created them.", string.Join(", ", added), partitions.Count);
    }

    private List<TopicPartition> TopicPartitions(IReadOnlyList<string> sourceTopics, CancellationToken ct)
    {
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka.Value, $"{edge.Value.Id}-feed-admin")).Build();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var metadata = admin.GetMetadataRetrying(TimeSpan.FromSeconds(10));
            var found = sourceTopics
                .Select(t => metadata.Topics.FirstOrDefault(m => m.Topic == t && m.Error.Code == ErrorCode.NoError && m.Partitions.Count > 0))
                .ToList();
            if (found.All(t => t is not null))
                return found.SelectMany(t => t!.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId))).ToList();
            logger.LogWarning("Waiting for topics {Topics} to exist (they are created at system start-up).", string.Join(", ", sourceTopics));
            if (ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(2))) ct.ThrowIfCancellationRequested();
        }
    }
}
