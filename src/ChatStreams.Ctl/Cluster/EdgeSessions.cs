using ChatStreams.Contracts;
using chatstreams.v1;
using Confluent.Kafka;
using Confluent.SchemaRegistry;

namespace ChatStreams.Ctl.Cluster;

/// <summary>
/// Which edges hold how many connections, read from what the edges themselves publish: every open socket sends a
/// heartbeat to chat.sessions each Edge__HeartbeatInterval (10 s), so the sessions of the last <see cref="Window"/>
/// whose last event is not a disconnect are the open connections, per edge. Works the same against `up` and a cluster,
/// with no access to the edges' pods. An edge with no connections shows as offline: idle and gone look alike here.
/// </summary>
public sealed class EdgeSessions(KafkaCluster cluster, SchemaRegistryClientOptions registry, TimeSpan window)
{
    /// <summary>Three default heartbeat intervals: one late heartbeat does not make a connection disappear.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(30);

    public TimeSpan Window => window;

    public async Task<(IReadOnlyList<EdgeStatus> Edges, string? Note)> ReadAsync(IReadOnlyCollection<string> topics, CancellationToken ct)
    {
        var withTopic = topics.Select(t => Topics.TryGetDeliveryEdge(t, out var id) ? id : null).OfType<string>().ToHashSet(StringComparer.Ordinal);
        IReadOnlyDictionary<string, SessionEvent> last = new Dictionary<string, SessionEvent>();
        string? note = null;
        if (topics.Contains(Topics.ChatSessions))
        {
            try
            {
                last = await LastEventPerConnectionAsync(ct);
            }
            catch (Exception e) when (e is SchemaRegistryException or HttpRequestException or InvalidDataException or Avro.AvroException or AggregateException)
            {
                note = $"connections unknown: chat.sessions could not be read through the schema registry at {registry.Url} ({e.GetBaseException().Message}); set SchemaRegistry__Url";
            }
        }
        var now = DateTimeOffset.UtcNow;
        var open = last.Values.Where(e => e.Kind != SessionEventKind.Disconnect && now - new DateTimeOffset(e.At, TimeSpan.Zero) <= window).ToList();
        var edges = withTopic.Concat(last.Values.Select(e => e.EdgeId)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(id =>
            {
                var mine = open.Where(e => e.EdgeId == id).ToList();
                DateTimeOffset? heartbeat = mine.Count == 0 ? null : mine.Max(e => new DateTimeOffset(e.At, TimeSpan.Zero));
                return new EdgeStatus(id, mine.Count > 0, mine.Count, mine.Select(e => e.UserId).Distinct().Count(), heartbeat, withTopic.Contains(id));
            }).ToList();
        return (edges, note);
    }

    /// <summary>The last session event of each connection seen in the window, reading every partition of chat.sessions up to its end now.</summary>
    private async Task<IReadOnlyDictionary<string, SessionEvent>> LastEventPerConnectionAsync(CancellationToken ct)
    {
        using var registryClient = registry.CreateClient();
        var deserializer = new ChatSerdes(registryClient, registry).Deserializer<SessionEvent>();
        var partitions = cluster.Topics()[Topics.ChatSessions];
        var since = new Timestamp(DateTimeOffset.UtcNow - window);
        var starts = cluster.Reader.OffsetsForTimes(partitions.Select(p => new TopicPartitionTimestamp(new TopicPartition(Topics.ChatSessions, p), since)), KafkaCluster.RequestTimeout);
        var ends = partitions.ToDictionary(p => p, p => cluster.Watermarks(Topics.ChatSessions, p).High.Value);
        var pending = starts.Where(s => s.Offset.Value >= 0 && s.Offset.Value < ends[s.Partition.Value]).ToList();
        var last = new Dictionary<string, SessionEvent>(StringComparer.Ordinal);
        if (pending.Count == 0) return last;
        var reader = cluster.Reader;
        reader.Assign(pending);
        var remaining = pending.Select(p => p.Partition.Value).ToHashSet();
        var deadline = DateTime.UtcNow + KafkaCluster.RequestTimeout;
        try
        {
            while (remaining.Count > 0 && DateTime.UtcNow < deadline)
            {
                ct.ThrowIfCancellationRequested();
                var result = reader.Consume(TimeSpan.FromMilliseconds(200));
                if (result is null) continue;
                if (result.IsPartitionEOF || result.Offset.Value + 1 >= ends[result.Partition.Value]) remaining.Remove(result.Partition.Value);
                if (result.IsPartitionEOF || result.Message.Value is not { } value) continue;
                var session = await deserializer.DeserializeAsync(value, false, new SerializationContext(MessageComponentType.Value, result.Topic, result.Message.Headers));
                if (!last.TryGetValue(session.ConnectionId, out var seen) || seen.At <= session.At) last[session.ConnectionId] = session;
            }
        }
        finally
        {
            reader.Unassign();
        }
        return last;
    }
}
