using System.Diagnostics;
using System.Text.Json;
using ChatStreams.Bench.Edge;

namespace ChatStreams.Bench.Chaos;

/// <summary>
/// Injects one fault of a kind and, for a sink, measures its recovery: from the kill until a message sent after the
/// kill is readable in that sink's store (history page, search hit, analytics row). Recovery of the message path is
/// measured afterwards from the messages' latencies (<see cref="ChaosVerdict"/>).
/// </summary>
internal sealed class FaultInjector(ChatUpProcess up, HttpClient status, OwnedProcess broker, OwnedProcess secondInstance,
    ChatRestClient api, IReadOnlyList<ChaosConversation> conversations, List<SentMessage> sent, Random random, TextWriter progress)
{
    /// <summary>
    /// How long a killed sink gets to land a message sent after the kill. `up` runs the search and analytics sinks at
    /// nice 10 (they may lag so the message path does not): on two cores saturated by the campaign (restarts, store
    /// restores, the load) a restarted one was measured taking 60 s just to start, so they get longer than 90 s.
    /// </summary>
    private static readonly TimeSpan ProbePatience = TimeSpan.FromSeconds(180);
    private readonly List<Task> _probes = [];
    private readonly ChaosStores _stores = new(api.GatewayUrl, up.DataDirectory);
    private int _edgeKills;

    public async Task<InjectedFault> InjectAsync(FaultKind kind, int index, CancellationToken ct)
    {
        var at = Stopwatch.GetTimestamp();
        switch (kind)
        {
            case FaultKind.Broker:
                broker.Kill();
                await Task.Delay(1000, ct);
                await broker.StartAsync(ct);
                return new InjectedFault(kind, "chatstreams broker", at);
            case FaultKind.Rebalance:
                if (secondInstance.Running)
                {
                    await secondInstance.StopAsync();
                    return new InjectedFault(kind, "topology-2 leaves", at);
                }
                await secondInstance.StartAsync(ct);
                return new InjectedFault(kind, "topology-2 joins", at);
            case FaultKind.SecondTopologyInstance:
                if (!secondInstance.Running)
                {
                    if (secondInstance.Starts > 0) progress.WriteLine($"chaos: {secondInstance.Name} was not running when its kill was due; it joins instead");
                    await secondInstance.StartAsync(ct);
                    return new InjectedFault(FaultKind.Rebalance, "topology-2 joins", at);
                }
                secondInstance.Kill();
                // The campaign is its supervisor: back after a second, as `up` would bring back its own.
                _probes.Add(Task.Run(async () => { await Task.Delay(1000, ct); await secondInstance.StartAsync(ct); }, ct));
                return new InjectedFault(kind, "topology-2", at);
            case FaultKind.ReconnectStorm:
                var devices = conversations.SelectMany(c => c.Members).Distinct().ToArray();
                var dropped = devices.OrderBy(_ => random.Next()).Take(Math.Max(1, devices.Length / 5)).ToArray();
                foreach (var device in dropped) device.Drop();
                return new InjectedFault(kind, $"{dropped.Length} of {devices.Length} clients", at);
            default:
                var child = FaultKinds.UpChild(kind, kind == FaultKind.Edge ? _edgeKills++ : 0, edges: 2)!;
                var pid = await ChildPidAsync(child, ct);
                if (pid is null || !ProcessSignals.Kill(pid.Value))
                    progress.WriteLine($"chaos: {child} was not running when its kill was due (still restarting from an earlier one)");
                var fault = new InjectedFault(kind, child, at);
                if (FaultKinds.IsSink(kind)) _probes.Add(Task.Run(() => ProbeSinkAsync(fault, ct), ct));
                return fault;
        }
    }

    /// <summary>Waits for the sink recovery probes and restarts still running.</summary>
    public async Task WaitForProbesAsync()
    {
        try { await Task.WhenAll(_probes); }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException) { progress.WriteLine($"chaos: a probe failed: {e.Message}"); }
    }

    private async Task<int?> ChildPidAsync(string child, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(await status.GetStringAsync("status", ct));
        foreach (var component in document.RootElement.GetProperty("components").EnumerateArray())
            if (component.GetProperty("name").GetString() == child)
                return component.GetProperty("pid").ValueKind == JsonValueKind.Number ? component.GetProperty("pid").GetInt32() : null;
        throw new InvalidOperationException($"`up` has no component named {child}");
    }

    private async Task ProbeSinkAsync(InjectedFault fault, CancellationToken ct)
    {
        var deadline = fault.At + (long)(ProbePatience.TotalSeconds * Stopwatch.Frequency);
        // The probe: the first message due after the kill, once its sender's device has it back with its seq.
        (SentMessage Message, long Seq)? probe = null;
        while (probe is null && Stopwatch.GetTimestamp() < deadline)
        {
            SentMessage? candidate;
            lock (sent) candidate = sent.FirstOrDefault(s => s.DueAt >= fault.At);
            if (candidate is not null && candidate.Sender.Arrivals(conversations[candidate.Conversation].ConversationId).FirstOrDefault(a => a.Id == candidate.Id) is { } own)
                probe = (candidate, own.Seq);
            else await Task.Delay(100, ct);
        }
        if (probe is not { } p) return;
        var conversation = conversations[p.Message.Conversation];
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var visible = fault.Kind switch
            {
                FaultKind.SinkHistory => await _stores.HistoryHasAsync(conversation, p.Seq, ct),
                FaultKind.SinkSearch => await _stores.SearchCountAsync(conversation, $"msg{p.Message.Number}x", ct) >= 1,
                _ => (await _stores.AnalyticsMessageCountsAsync($"WHERE conversation_id = '{conversation.ConversationId}' AND seq = {p.Seq}", ct))?.Count == 1,
            };
            if (visible)
            {
                fault.RecoveryMs = Stopwatch.GetElapsedTime(fault.At).TotalMilliseconds;
                return;
            }
            await Task.Delay(250, ct);
        }
    }
}
