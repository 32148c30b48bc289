using chatstreams.v1;

namespace ChatStreams.Sinks.Analytics;

/// <summary>
/// Lands a batch in the analytics store: turns the records into table rows (looking up what earlier batches stored —
/// conversation kinds, read watermarks, open presence sessions) and writes them as one idempotent unit.
/// </summary>
public sealed class AnalyticsSinkWriter(IAnalyticsStore store) : ISinkWriter<AnalyticsRecord>
{
    public const string SinkName = "analytics";

    /// <summary>
    /// Larger batches than the other sinks (5,000 rows or 1 s): analysts read seconds-old data, and DuckDB's cost per
    /// row falls steeply with the batch (≈156 µs per row at 50 rows, ≈18 at 500). At 500 messages/s into groups of 10
    /// the analytics sink was 13 % of the machine's CPU, the largest of the sinks (docs/benchmarks.md).
    /// Sinks__analytics__BatchSize and Sinks__analytics__BatchLinger override them.
    /// </summary>
    public static SinkOptions DefaultOptions() => new() { BatchSize = 5_000, BatchLinger = TimeSpan.FromSeconds(1) };

    // Kinds never change once a conversation exists; remembering them saves a lookup per batch. Bounded, not an LRU:
    // when full it starts over, which costs one lookup per conversation again.
    private const int KnownKindsLimit = 100_000;
    private readonly Dictionary<string, string> _kinds = [];

    public async Task WriteAsync(IReadOnlyList<AnalyticsRecord> batch, CancellationToken ct)
    {
        var rows = await BuildAsync(batch, ct);
        if (!rows.IsEmpty) await store.WriteAsync(rows, ct);
    }

    public async Task<AnalyticsBatch> BuildAsync(IReadOnlyList<AnalyticsRecord> batch, CancellationToken ct)
    {
        var events = batch.OfType<AnalyticsEventRecord>().Select(r => r.Event).ToList();
        var conversations = new List<ConversationRow>();
        foreach (var e in events)
            if (e.Payload is ConversationCreated created)
                conversations.Add(ChatFacts.Conversation(e, created));
        var kinds = await KindsAsync(conversations, events.Where(e => e.Payload is MessageSent).Select(e => e.ConversationId), ct);

        var messages = events.Where(e => e.Payload is MessageSent)
            .Select(e => ChatFacts.Message(e, (MessageSent)e.Payload, kinds.GetValueOrDefault(e.ConversationId))).ToList();
        var changes = events.Select(ChatFacts.Change).OfType<MessageChangeRow>().ToList();
        var deliveries = batch.OfType<AnalyticsDeliveryRecord>().Select(d => d.Row).ToList();

        var receipts = batch.OfType<AnalyticsReceiptRecord>().Select(r => ChatFacts.Receipt(r.Receipt)).ToList();
        var reads = new ReadMarks(receipts.Count == 0 ? new Dictionary<(string, string), long>()
            : await store.ReadSeqsAsync(receipts.Select(r => (r.ConversationId, r.UserId)).Distinct().ToList(), ct));
        foreach (var receipt in receipts) reads.Apply(receipt);

        var presence = batch.OfType<AnalyticsPresenceRecord>().Select(p => p.Change).ToList();
        var intervals = new PresenceIntervals(presence.Count == 0 ? new Dictionary<string, PresenceSessionRow>()
            : await store.LatestPresenceSessionsAsync(presence.Select(p => p.UserId).Distinct().ToList(), ct));
        foreach (var change in presence) intervals.Apply(change);

        // A record that came twice within one batch (a redelivery) makes one row: one INSERT may not carry a key twice.
        return new AnalyticsBatch(
            [.. conversations.DistinctBy(r => r.ConversationId)],
            [.. messages.DistinctBy(r => (r.ConversationId, r.Seq))],
            [.. changes.DistinctBy(r => (r.ConversationId, r.Seq))],
            [.. deliveries.DistinctBy(r => (r.ConversationId, r.Seq, r.UserId, r.EdgeId, r.DeviceKey))],
            [.. receipts.DistinctBy(r => (r.ConversationId, r.UserId, r.DeliveredSeq, r.ReadSeq))],
            reads.Rows,
            intervals.Changed);
    }

    private async Task<Dictionary<string, string>> KindsAsync(List<ConversationRow> created, IEnumerable<string> needed, CancellationToken ct)
    {
        if (_kinds.Count > KnownKindsLimit) _kinds.Clear();
        foreach (var c in created) _kinds[c.ConversationId] = c.Kind;
        var missing = needed.Distinct().Where(id => !_kinds.ContainsKey(id)).ToList();
        if (missing.Count > 0)
            foreach (var (id, kind) in await store.ConversationKindsAsync(missing, ct))
                _kinds[id] = kind;
        return _kinds;
    }
}
