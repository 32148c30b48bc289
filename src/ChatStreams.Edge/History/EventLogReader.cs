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
/// Replays chat.events, chat.receipts and chat.presence from the beginning into <see cref="EventLogHistory"/> and keeps following
/// them (read_committed: only what the topologies committed). Partitions are assigned, not subscribed: every edge
/// reads everything and commits nothing. The history is ready once every partition reached its end once.
/// </summary>
public sealed class EventLogReader(
    EventLogHistory history,
    IOptions<KafkaOptions> kafka,
    IOptions<EdgeOptions> edge,
    ChatSerdes serdes,
    ILogger<EventLogReader> logger) : BackgroundService
{
    private static readonly string[] SourceTopics = [Topics.ChatEvents, Topics.ChatReceipts, Topics.ChatPresence];

    /// <summary>Next offset to read per chat.events partition (what the fold has passed).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, long> _eventPositions = new();
    private readonly SemaphoreSlim _endQuery = new(1, 1);
    private IConsumer<byte[]?, byte[]?>? _endProbe;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        history.AttachCatchUp(CatchUpAsync);
        return base.StartAsync(cancellationToken);
    }

    /// <summary>Waits until the fold has passed chat.events' end offsets as they are now.</summary>
    public async Task<bool> CatchUpAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        Dictionary<int, long> ends;
        await _endQuery.WaitAsync(ct);
        try
        {
            _endProbe ??= new ConsumerBuilder<byte[]?, byte[]?>(
                KafkaClientConfigs.Consumer(kafka.Value, $"{edge.Value.Id}-history-probe", $"chatstreams-edge-{edge.Value.Id}-history")).Build();
            ends = [];
            foreach (var partition in _eventPositions.Keys)
                ends[partition] = _endProbe.QueryWatermarkOffsets(new TopicPartition(Topics.ChatEvents, partition), timeout).High;
        }
        catch (KafkaException e)
        {
            logger.LogWarning("Could not read the end of chat.events: {Reason}", e.Error.Reason);
            return false;
        }
        finally { _endQuery.Release(); }
        while (ends.Any(end => _eventPositions.GetValueOrDefault(end.Key) < end.Value))
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(10, ct);
        }
        return true;
    }

    public override void Dispose()
    {
        _endProbe?.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task Run(CancellationToken ct)
    {
        var events = serdes.Deserializer<ChatEvent>();
        var receipts = serdes.Deserializer<ReceiptUpdate>();
        var presence = serdes.Deserializer<PresenceChange>();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await FollowAsync(events, receipts, presence, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // The fold is idempotent by seq, so starting over from the beginning is safe.
                logger.LogError(e, "Reading chat.events failed; starting the replay again in 2 s.");
                try { await Task.Delay(TimeSpan.FromSeconds(2), ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task FollowAsync(IAsyncDeserializer<ChatEvent> events, IAsyncDeserializer<ReceiptUpdate> receipts,
        IAsyncDeserializer<PresenceChange> presence, CancellationToken ct)
    {
        var config = KafkaClientConfigs.Consumer(kafka.Value, $"{edge.Value.Id}-history", $"chatstreams-edge-{edge.Value.Id}-history");
        config.EnablePartitionEof = true;
        config.FetchWaitMaxMs = 20;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        var partitions = await TopicPartitionsAsync(ct);
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var notAtEnd = new HashSet<TopicPartition>(partitions);
        foreach (var p in partitions.Where(p => p.Topic == Topics.ChatEvents)) _eventPositions[p.Partition.Value] = 0;
        logger.LogInformation("Replaying {Partitions} partitions of {Topics} into the edge's history.", partitions.Count, string.Join(", ", SourceTopics));
        while (!ct.IsCancellationRequested)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null) continue;
            if (result.IsPartitionEOF)
            {
                // At the end (past any transaction markers): the position is the partition's end offset.
                if (result.Topic == Topics.ChatEvents) _eventPositions[result.Partition.Value] = result.Offset.Value;
                if (notAtEnd.Remove(result.TopicPartition) && notAtEnd.Count == 0 && !history.IsReady)
                {
                    history.MarkReady();
                    logger.LogInformation("History caught up with chat.events.");
                }
                continue;
            }
            if (result.Message.Value is not { } value) continue;
            var context = new SerializationContext(MessageComponentType.Value, result.Topic, result.Message.Headers);
            try
            {
                switch (result.Topic)
                {
                    case Topics.ChatEvents: history.Apply(await events.DeserializeAsync(value, false, context)); break;
                    case Topics.ChatReceipts: history.Apply(await receipts.DeserializeAsync(value, false, context)); break;
                    default: history.Apply(await presence.DeserializeAsync(value, false, context)); break;
                }
            }
            catch (Exception e) when (e is InvalidDataException or Avro.AvroException or ArgumentException or InvalidOperationException)
            {
                logger.LogWarning("Skipped an unreadable record at {Topic}[{Partition}]@{Offset}: {Reason}", result.Topic, result.Partition.Value, result.Offset.Value, e.Message);
            }
            // Only once folded: a catch-up that sees this position may read the record's effects.
            if (result.Topic == Topics.ChatEvents) _eventPositions[result.Partition.Value] = result.Offset.Value + 1;
        }
    }

    private async Task<List<TopicPartition>> TopicPartitionsAsync(CancellationToken ct)
    {
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka.Value, $"{edge.Value.Id}-history-admin")).Build();
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
