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

    // The highest read seq landed per (conversation, member), remembered once the store has it: the store's lookup
    // (max over the member's receipts rows) reads the member's whole receipts history, which grows by a row with every
    // message they send, and ran for every batch. Only this sink writes receipts, and a conversation's receipts come
    // from one partition of chat.receipts, so the marks stay the store's for as long as this sink owns the partitions;
    // when partitions are (re)assigned another sink may have landed receipts meanwhile, so they are forgotten. Bounded
    // like the kinds.
    private const int KnownReadSeqsLimit = 200_000;
    private readonly Dictionary<(string, string), long> _readSeqs = [];

    // Each user's latest presence session (null: none), remembered the same way: the store's lookup ranks the user's
    // whole presence_sessions history. chat.presence is keyed by user.
    private const int KnownSessionsLimit = 200_000;
    private readonly Dictionary<string, PresenceSessionRow?> _sessions = [];

    public async Task WriteAsync(IReadOnlyList<AnalyticsRecord> batch, CancellationToken ct)
    {
        var (rows, reads, intervals) = await BuildWithStateAsync(batch, ct);
        if (!rows.IsEmpty) await store.WriteAsync(rows, ct);
        // Only now: a batch that failed is built again from what the store has.
        if (_readSeqs.Count > KnownReadSeqsLimit) _readSeqs.Clear();
        foreach (var (member, seq) in reads.Marks) _readSeqs[member] = seq;
        if (_sessions.Count > KnownSessionsLimit) _sessions.Clear();
        foreach (var (user, session) in intervals.Latest) _sessions[user] = session;
    }

    public void OnPartitionsAssigned()
    {
        _readSeqs.Clear();
        _sessions.Clear();
    }

    public async Task<AnalyticsBatch> BuildAsync(IReadOnlyList<AnalyticsRecord> batch, CancellationToken ct) =>
        (await BuildWithStateAsync(batch, ct)).Rows;

    private async Task<(AnalyticsBatch Rows, ReadMarks Reads, PresenceIntervals Intervals)> BuildWithStateAsync(
        IReadOnlyList<AnalyticsRecord> batch, CancellationToken ct)
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
        var reads = new ReadMarks(await StoredAsync(receipts.Select(r => (r.ConversationId, r.UserId)).Distinct().ToList(), _readSeqs,
            members => store.ReadSeqsAsync(members, ct), none: 0L));
        foreach (var receipt in receipts) reads.Apply(receipt);

        var presence = batch.OfType<AnalyticsPresenceRecord>().Select(p => p.Change).ToList();
        var intervals = new PresenceIntervals(await StoredAsync(presence.Select(p => p.UserId).Distinct().ToList(), _sessions,
            users => store.LatestPresenceSessionsAsync(users, ct), none: (PresenceSessionRow?)null));
        foreach (var change in presence) intervals.Apply(change);

        // A record that came twice within one batch (a redelivery) makes one row: one INSERT may not carry a key twice.
        return (new AnalyticsBatch(
            [.. conversations.DistinctBy(r => r.ConversationId)],
            [.. messages.DistinctBy(r => (r.ConversationId, r.Seq))],
            [.. changes.DistinctBy(r => (r.ConversationId, r.Seq))],
            [.. deliveries.DistinctBy(r => (r.ConversationId, r.Seq, r.UserId, r.EdgeId, r.DeviceKey))],
            [.. receipts.DistinctBy(r => (r.ConversationId, r.UserId, r.DeliveredSeq, r.ReadSeq))],
            reads.Rows,
            intervals.Changed), reads, intervals);
    }

    /// <summary>
    /// What the store has for each key: remembered, or looked up in one call for the keys not remembered; a key the
    /// store has nothing for gets <paramref name="none"/>.
    /// </summary>
    private static async Task<Dictionary<TKey, TValue>> StoredAsync<TKey, TValue, TStored>(List<TKey> keys, Dictionary<TKey, TValue> remembered,
        Func<List<TKey>, Task<IReadOnlyDictionary<TKey, TStored>>> lookUp, TValue none) where TKey : notnull where TStored : TValue
    {
        var values = new Dictionary<TKey, TValue>();
        var missing = new List<TKey>();
        foreach (var key in keys)
            if (remembered.TryGetValue(key, out var value)) values[key] = value;
            else missing.Add(key);
        if (missing.Count > 0)
        {
            var stored = await lookUp(missing);
            foreach (var key in missing) values[key] = stored.TryGetValue(key, out var found) ? found : none;
        }
        return values;
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
