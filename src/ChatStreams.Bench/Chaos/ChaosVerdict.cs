using System.Diagnostics;
using ChatStreams.Bench.Edge;
using ChatStreams.Bench.Measurement;

namespace ChatStreams.Bench.Chaos;

/// <summary>Recovery of one kind of fault: how often it was injected and the worst and median time back to normal.</summary>
public sealed record FaultRecovery(FaultKind Kind, int Injected, double? WorstMs, double? MedianMs, int NotRecovered);

/// <summary>
/// What a campaign proved. Per device and conversation, the message frames must be seq 2..N+1 (seq 1 is the
/// conversation's creation) exactly once and in order, where N is the number of distinct messages sent to it; each
/// client id must have one seq everywhere (a resend is never sequenced twice); history must hold the same N messages
/// with the same ids, search N hits for the conversation's word, analytics N rows.
/// Latency: due time of a send (open loop) → arrival at each recipient device. Recovery of the message path after a
/// fault: the time from the fault until the last message due after it (and before the next fault) that took longer
/// than <see cref="SlowMs"/> to reach all its recipients had arrived; 0 when none did.
/// </summary>
public sealed record ChaosVerdict
{
    public const double SlowMs = 1000;

    public required ChaosSettings Settings { get; init; }
    public int Devices { get; init; }
    public int Conversations { get; init; }
    public int Sent { get; init; }
    public int Acked { get; init; }
    public long DeliveriesExpected { get; init; }
    public long Delivered { get; init; }
    public SequenceCheck Streams { get; init; } = SequenceCheck.Clean;
    /// <summary>Client ids that got more than one seq (a message sequenced twice).</summary>
    public int DoubleSequenced { get; init; }
    public int HistoryMismatches { get; init; }
    public int SearchMismatches { get; init; }
    public int AnalyticsMismatches { get; init; }
    public required IReadOnlyList<string> Problems { get; init; }
    public LatencyDistribution Steady { get; init; } = LatencyDistribution.None;
    public LatencyDistribution DuringFaults { get; init; } = LatencyDistribution.None;
    public required IReadOnlyList<FaultRecovery> Recoveries { get; init; }
    public int Reconnects { get; init; }
    public int Resends { get; init; }
    public int BrokerRequestFaults { get; init; }
    public required IReadOnlyDictionary<string, int> ErrorCodes { get; init; }
    public TimeSpan Drain { get; init; }
    /// <summary>Per device and conversation whose stream failed: what it holds and the missing seq ranges (for the campaign's log).</summary>
    public IReadOnlyList<string> StreamDetails { get; init; } = [];

    public long Lost => Streams.Lost;
    public long Duplicated => Streams.Duplicates + DoubleSequenced;
    public bool Passed => Problems.Count == 0;

    internal static async Task<ChaosVerdict> CheckAsync(ChaosSettings settings, IReadOnlyList<ChaosConversation> conversations, List<SentMessage> sentList,
        IReadOnlyList<InjectedFault> faults, ChatRestClient api, string dataDirectory, int brokerRequestFaults, TimeSpan drain, CancellationToken ct)
    {
        SentMessage[] sent;
        lock (sentList) sent = [.. sentList];
        var problems = new List<string>();
        var devices = conversations.SelectMany(c => c.Members).Distinct().ToArray();
        var acked = sent.Count(s => s.Sender.Acked.ContainsKey(s.Id));
        if (acked < sent.Length) problems.Add($"{sent.Length - acked} sends were never acked");

        // Streams at the devices, and one seq per client id across them.
        var streams = SequenceCheck.Clean;
        long expected = 0, delivered = 0;
        var doubled = 0;
        var seqOf = new Dictionary<string, long>(StringComparer.Ordinal);
        var latencies = new List<(long Due, long Ticks)>();
        var completion = new Dictionary<string, long>(StringComparer.Ordinal);
        var byId = sent.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var details = new List<string>();
        foreach (var conversation in conversations)
        {
            var n = sent.Count(s => s.Conversation == conversation.Index);
            foreach (var device in conversation.Members)
            {
                var arrivals = device.Arrivals(conversation.ConversationId);
                var check = SequenceCheck.Of(arrivals.Select(a => a.Seq), 2, n + 1);
                streams += check;
                if (!check.Passed) details.Add($"{device.Account.Username} in {conversation.ConversationId} (n={n}): {check}; {arrivals.Count} frames, connects {device.Connects}, cursor {device.Cursor(conversation.ConversationId)}, missing {MissingRanges(arrivals.Select(a => a.Seq), n + 1)}; frames {string.Join(" ", device.FrameCounts.OrderBy(f => f.Key).Select(f => $"{f.Key}={f.Value}"))}");
                expected += n;
                delivered += arrivals.Select(a => a.Seq).Distinct().Count(seq => seq >= 2 && seq <= n + 1);
                foreach (var arrival in arrivals)
                {
                    if (arrival.Id is null) continue;
                    if (seqOf.TryGetValue(arrival.Id, out var seen) && seen != arrival.Seq) doubled++;
                    seqOf.TryAdd(arrival.Id, arrival.Seq);
                    if (!byId.TryGetValue(arrival.Id, out var message)) continue;
                    if (message.Sender == device) continue; // the sender's own copy is its "sent", not a delivery
                    latencies.Add((message.DueAt, arrival.ArrivedAt - message.DueAt));
                    completion[arrival.Id] = Math.Max(completion.GetValueOrDefault(arrival.Id), arrival.ArrivedAt);
                }
            }
        }
        if (!streams.Passed) problems.Add($"device streams: {streams.Lost} lost, {streams.Duplicates} duplicated, {streams.OutOfOrder} out of order, {streams.Unexpected} unexpected");
        if (doubled > 0) problems.Add($"{doubled} messages were sequenced twice (a resend became a second message)");

        // Sinks: history, search, analytics (waiting for the sinks to catch up with the last messages).
        using var stores = new ChaosStores(api.GatewayUrl, dataDirectory);
        var history = 0;
        var search = 0;
        var analytics = 0;
        // One shared wait (not one per check): a store that is wrong stays wrong, and the campaign should end.
        var sinkDeadline = Stopwatch.GetTimestamp() + 90 * Stopwatch.Frequency;
        var analyticsCounts = await EventuallyAsync(sinkDeadline, async () =>
        {
            var counts = await stores.AnalyticsMessageCountsAsync(null, ct);
            var ok = counts is not null && conversations.All(c => counts.GetValueOrDefault(c.ConversationId) == sent.Count(s => s.Conversation == c.Index));
            return (ok, counts);
        }, ct);
        foreach (var conversation in conversations)
        {
            var ids = sent.Where(s => s.Conversation == conversation.Index).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            var (historyOk, _) = await EventuallyAsync(sinkDeadline, async () =>
            {
                var items = await stores.HistoryAsync(conversation, ct);
                var ok = items is not null && items.Count == ids.Count && items.Select(i => i.Seq).SequenceEqual(Enumerable.Range(2, ids.Count).Select(i => (long)i))
                    && items.All(i => i.Id is not null && ids.Contains(i.Id));
                return (ok, items);
            }, ct);
            if (!historyOk) history++;
            var (searchOk, _) = await EventuallyAsync(sinkDeadline, async () =>
            {
                var hits = await stores.SearchCountAsync(conversation, conversation.Word, ct);
                return (hits == ids.Count, hits);
            }, ct);
            if (!searchOk) search++;
            if (analyticsCounts.Value?.GetValueOrDefault(conversation.ConversationId) != ids.Count) analytics++;
        }
        if (history > 0) problems.Add($"history: {history} conversations do not hold exactly their messages in seq order");
        if (search > 0) problems.Add($"search: {search} conversations do not have one hit per message");
        if (analytics > 0) problems.Add($"analytics: {analytics} conversations do not have one row per message");

        // Latency outside and during faults, and the message path's recovery after each fault.
        var windows = new List<(long From, long To)>();
        var perFault = faults.OrderBy(f => f.At).ToArray();
        for (var i = 0; i < perFault.Length; i++)
        {
            var fault = perFault[i];
            var next = i + 1 < perFault.Length ? perFault[i + 1].At : long.MaxValue;
            if (!FaultKinds.IsSink(fault.Kind))
            {
                var slow = sent.Where(s => s.DueAt >= fault.At && s.DueAt < next && completion.TryGetValue(s.Id, out var done)
                    && Stopwatch.GetElapsedTime(s.DueAt, done).TotalMilliseconds > SlowMs).ToArray();
                fault.RecoveryMs = slow.Length == 0 ? 0 : slow.Max(s => Stopwatch.GetElapsedTime(fault.At, completion[s.Id]).TotalMilliseconds);
            }
            var window = Math.Max(fault.RecoveryMs ?? 0, 5000);
            windows.Add((fault.At, fault.At + (long)(window / 1000 * Stopwatch.Frequency)));
        }
        bool During(long dueAt) => windows.Any(w => dueAt >= w.From && dueAt < w.To);
        var steady = LatencyDistribution.FromTicks(latencies.Where(l => !During(l.Due)).Select(l => l.Ticks).ToArray(), Stopwatch.Frequency);
        var duringFaults = LatencyDistribution.FromTicks(latencies.Where(l => During(l.Due)).Select(l => l.Ticks).ToArray(), Stopwatch.Frequency);
        var recoveries = perFault.GroupBy(f => f.Kind).OrderBy(g => g.Key).Select(g =>
        {
            var known = g.Where(f => f.RecoveryMs is not null).Select(f => f.RecoveryMs!.Value).ToArray();
            return new FaultRecovery(g.Key, g.Count(), known.Length == 0 ? null : known.Max(), known.Length == 0 ? null : Percentiles.Median(known), g.Count() - known.Length);
        }).ToArray();
        foreach (var r in recoveries.Where(r => r.NotRecovered > 0))
            problems.Add($"{FaultKinds.Label(r.Kind)}: {r.NotRecovered} of {r.Injected} did not recover within the probe's wait");

        var errors = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var device in devices)
            foreach (var (code, count) in device.ErrorCodes) errors[code] = errors.GetValueOrDefault(code) + count;
        return new ChaosVerdict
        {
            Settings = settings,
            Devices = devices.Length,
            Conversations = conversations.Count,
            Sent = sent.Length,
            Acked = acked,
            DeliveriesExpected = expected,
            Delivered = delivered,
            Streams = streams,
            DoubleSequenced = doubled,
            HistoryMismatches = history,
            SearchMismatches = search,
            AnalyticsMismatches = analytics,
            Problems = problems,
            Steady = steady,
            DuringFaults = duringFaults,
            Recoveries = recoveries,
            Reconnects = devices.Sum(d => d.Connects - 1),
            Resends = devices.Sum(d => d.Resends),
            BrokerRequestFaults = brokerRequestFaults,
            ErrorCodes = errors,
            Drain = drain,
            StreamDetails = details,
        };
    }

    private static string MissingRanges(IEnumerable<long> seqs, long last)
    {
        var held = seqs.ToHashSet();
        var ranges = new List<string>();
        for (long seq = 2; seq <= last; seq++)
        {
            if (held.Contains(seq)) continue;
            var from = seq;
            while (seq + 1 <= last && !held.Contains(seq + 1)) seq++;
            ranges.Add(from == seq ? $"{from}" : $"{from}-{seq}");
        }
        return ranges.Count == 0 ? "none" : string.Join(",", ranges.Take(12)) + (ranges.Count > 12 ? ",…" : "");
    }

    /// <summary>Retries a check until <paramref name="deadline"/>: the sinks land the last messages a moment after the devices got them.</summary>
    private static async Task<(bool Ok, T? Value)> EventuallyAsync<T>(long deadline, Func<Task<(bool Ok, T? Value)>> check, CancellationToken ct)
    {
        while (true)
        {
            var result = await check();
            if (result.Ok || Stopwatch.GetTimestamp() > deadline) return result;
            await Task.Delay(500, ct);
        }
    }
}
