using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ChatStreams.Bench.Edge;
using ChatStreams.Contracts.Hosting;
using ChatStreams.Host;

namespace ChatStreams.Bench.Chaos;

/// <summary>One message the campaign sent: where, by which device, when it was due (open loop) and its index.</summary>
public sealed record SentMessage(string Id, int Conversation, ChaosDevice Sender, long DueAt, long Number);

/// <summary>A conversation of the campaign and the devices of its members.</summary>
public sealed record ChaosConversation(int Index, string ConversationId, IReadOnlyList<ChaosDevice> Members)
{
    /// <summary>A word only this conversation's messages carry, to count them in the search index.</summary>
    public string Word => $"conv{Index}x";
}

/// <summary>
/// A fault campaign: the embedded broker run on its own (with request faults) and `chatstreams up` on it, a steady
/// open-loop load of WebSocket clients that reconnect and resume like real ones, and faults at a fixed interval —
/// kill -9 of every kind of process (each restarted: by `up`'s supervisor, or by the campaign for what it owns), a
/// second topology instance joining and leaving (rebalances), and reconnect storms. Then it drains and hands the
/// record to <see cref="ChaosVerdict"/>.
/// </summary>
public sealed class ChaosCampaign(ChaosSettings settings, TextWriter progress)
{
    private const int Edges = 2;
    private readonly List<SentMessage> _sent = [];
    private readonly List<InjectedFault> _faults = [];
    private readonly Random _random = new(settings.Seed);

    public async Task<ChaosVerdict> RunAsync(CancellationToken ct)
    {
        var work = settings.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "chatstreams-chaos-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(work);
        progress.WriteLine($"chaos: work directory {work}");
        ChaosVerdict verdict;
        try
        {
            verdict = await RunInAsync(work, ct);
        }
        catch (Exception e) when (StoppedTheRun(e))
        {
            // Whoever reads the failure needs the components' logs of this run.
            throw new InvalidOperationException($"{e.Message} (data and logs kept in {work})", e);
        }
        await File.WriteAllLinesAsync(Path.Combine(work, "streams.txt"), verdict.StreamDetails.Concat(verdict.Problems), ct);
        if (!verdict.Passed) progress.WriteLine($"chaos: checks failed; data and logs kept in {work}");
        else if (settings.WorkDirectory is null) TryDelete(work);
        return verdict;
    }

    /// <summary>
    /// The failures that stop a campaign before its verdict (a wait that timed out, a refused or broken call to the
    /// system): reported with the run's work folder, not as a crash.
    /// </summary>
    public static bool StoppedTheRun(Exception e) =>
        e is TimeoutException or InvalidOperationException or HttpRequestException or System.Net.WebSockets.WebSocketException;

    private async Task<ChaosVerdict> RunInAsync(string work, CancellationToken ct)
    {
        var data = Path.Combine(work, "data");
        var started = Stopwatch.GetTimestamp();

        var brokerPort = FreePort.Pick();
        await using var broker = new OwnedProcess("broker",
            ["broker", "--data-dir", Path.Combine(data, "kafka"), "--port", brokerPort.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string>
            {
                ["Broker__Faults__DropBeforeRate"] = Invariant(settings.BrokerDropBeforeRate),
                ["Broker__Faults__DropAfterRate"] = Invariant(settings.BrokerDropAfterRate),
                ["Broker__Faults__DelayRate"] = Invariant(settings.BrokerDelayRate),
                ["Broker__Faults__Seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture),
            },
            Path.Combine(work, "broker.log"), readyLinePrefix: "broker listening on");
        await broker.StartAsync(ct);

        await using var up = await ChatUpProcess.StartAsync(ct, ["--kafka", $"127.0.0.1:{brokerPort}", "--edges", Edges.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string>
            {
                // Restart killed children within a second or two: the campaign kills them again and again on purpose.
                ["Supervision__InitialDelay"] = "00:00:00.500",
                ["Supervision__MaxDelay"] = "00:00:02",
            },
            dataDirectory: data, logPath: Path.Combine(work, "up.log"));
        var endpoints = up.Endpoints;
        using var api = new ChatRestClient(endpoints.GatewayUrl);
        using var status = new HttpClient { BaseAddress = new Uri(endpoints.StatusUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(10) };
        await WaitForEdgesAsync(api, ct);

        await using var secondInstance = new OwnedProcess("topology-2", ["topology", "all"], new Dictionary<string, string>
        {
            ["Kafka__BootstrapServers"] = endpoints.Kafka,
            ["SchemaRegistry__Url"] = endpoints.RegistryUrl,
            ["Streams__StateDirectory"] = Path.Combine(data, "streams-2"),
        }, Path.Combine(work, "topology-2.log"), readyLinePrefix: null);

        var conversations = await SetUpConversationsAsync(api, endpoints.GatewayUrl, ct);
        var devices = conversations.SelectMany(c => c.Members).Distinct().ToArray();
        var setUp = Stopwatch.GetElapsedTime(started);
        progress.WriteLine($"chaos: {devices.Length} devices in {conversations.Count} conversations ready after {setUp.TotalSeconds:0.0} s; load {settings.Rate:0.#} msg/s for {settings.WarmupSeconds + settings.DurationSeconds} s, a fault every {settings.FaultEverySeconds:0.#} s");

        var faults = new FaultInjector(up, status, broker, secondInstance, api, conversations, _sent, _random, progress);
        using var loadStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var resender = ResendLoopAsync(devices, loadStop.Token);
        var load = LoadAsync(conversations, loadStop.Token);
        var loadStart = Stopwatch.GetTimestamp();
        var schedule = FaultKinds.Schedule(settings.FaultCount, settings.Seed);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(settings.WarmupSeconds), ct);
            for (var i = 0; i < schedule.Count; i++)
            {
                var due = loadStart + (long)((settings.WarmupSeconds + i * settings.FaultEverySeconds) * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
                _faults.Add(await faults.InjectAsync(schedule[i], i, ct));
                PrintProgress(devices, loadStart);
            }
            var end = loadStart + (long)((settings.WarmupSeconds + settings.DurationSeconds) * Stopwatch.Frequency);
            var rest = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), end);
            if (rest > TimeSpan.Zero) await Task.Delay(rest, ct);
            // The second instance leaves cleanly while the last messages flow: one more rebalance.
            if (secondInstance.Running) _faults.Add(await faults.InjectAsync(FaultKind.Rebalance, schedule.Count, ct));
        }
        finally
        {
            await loadStop.CancelAsync();
            await Task.WhenAll(load, resender).ContinueWith(_ => { });
        }
        var sentCount = _sent.Count;
        progress.WriteLine($"chaos: load done ({sentCount} messages sent); draining");
        var drained = await DrainAsync(devices, conversations, ct);
        await faults.WaitForProbesAsync();
        progress.WriteLine($"chaos: drained in {drained.TotalSeconds:0.0} s; checking devices, history, search and analytics");

        var verdict = await ChaosVerdict.CheckAsync(settings, conversations, _sent, _faults, api, data, broker.CountLogLines("fault injected:"), drained, ct);
        var exits = broker.UnexpectedExits.Concat(secondInstance.UnexpectedExits).ToList();
        foreach (var exit in exits) progress.WriteLine($"chaos: {exit}");
        if (exits.Count > 0) verdict = verdict with { Problems = [.. verdict.Problems, .. exits] };
        foreach (var device in devices) await device.DisposeAsync();
        return verdict;
    }

    private async Task WaitForEdgesAsync(ChatRestClient api, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + 90 * Stopwatch.Frequency;
        while (true)
        {
            try
            {
                if ((await api.StatusAsync(ct)).AllReady) return;
            }
            catch (HttpRequestException) { }
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException("the edges did not all become healthy behind the gateway within 90 s");
            await Task.Delay(250, ct);
        }
    }

    /// <summary>Registers the users, creates the direct chats and groups, connects one device per user and waits until every device holds every conversation it is in.</summary>
    private async Task<IReadOnlyList<ChaosConversation>> SetUpConversationsAsync(ChatRestClient api, string gatewayUrl, CancellationToken ct)
    {
        var accounts = new BenchAccount[settings.Users];
        var prefix = "chaos" + Guid.NewGuid().ToString("N")[..6] + "u";
        await Parallel.ForAsync(0, accounts.Length, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct },
            async (i, token) => accounts[i] = await api.RegisterAsync(prefix + i.ToString(CultureInfo.InvariantCulture), token));
        var memberships = new List<int[]>();
        for (var d = 0; d < settings.Directs; d++) memberships.Add([2 * d, 2 * d + 1]);
        for (var g = 0; g < settings.Groups; g++)
            memberships.Add(Enumerable.Range(2 * settings.Directs + g * settings.GroupSize, settings.GroupSize).ToArray());

        var ids = new string[memberships.Count];
        for (var c = 0; c < memberships.Count; c++)
        {
            var members = memberships[c];
            var kind = members.Length == 2 ? "direct" : "group";
            var (code, id, body) = await api.CreateConversationAsync(accounts[members[0]], kind, kind == "group" ? $"chaos group {c}" : null,
                members.Skip(1).Select(m => accounts[m]), ct);
            ids[c] = id ?? throw new InvalidOperationException($"creating conversation {c} answered {(int)code}: {body}");
        }

        var devices = new ChaosDevice[accounts.Length];
        for (var u = 0; u < accounts.Length; u++)
        {
            devices[u] = new ChaosDevice(gatewayUrl, accounts[u], "d1", settings.Seed * 1000 + u);
            var mine = memberships.Select((m, c) => (m, c)).Where(x => x.m.Contains(u)).Select(x => ids[x.c]);
            await devices[u].StartAsync(mine, ct);
        }
        var conversations = memberships.Select((m, c) => new ChaosConversation(c, ids[c], m.Select(u => devices[u]).ToArray())).ToArray();
        var deadline = Stopwatch.GetTimestamp() + 180 * Stopwatch.Frequency;
        while (conversations.Any(c => c.Members.Any(d => d.Cursor(c.ConversationId) < 1)))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                var missing = conversations.SelectMany(c => c.Members.Where(d => d.Cursor(c.ConversationId) < 1).Select(d => $"{d.Account.UserId} in {c.ConversationId}"));
                throw new TimeoutException($"not every device got its conversations' first event within 180 s (missing: {string.Join(", ", missing)})");
            }
            await Task.Delay(100, ct);
        }
        return conversations;
    }

    /// <summary>Open loop: message k is due at start + k/rate whatever happened to earlier ones; its latency counts from then.</summary>
    private async Task LoadAsync(IReadOnlyList<ChaosConversation> conversations, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var turn = new int[conversations.Count];
        for (long k = 0; !ct.IsCancellationRequested; k++)
        {
            var due = start + (long)(k / settings.Rate * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                try { await Task.Delay(wait, ct); } catch (OperationCanceledException) { return; }
            }
            var conversation = conversations[(int)(k % conversations.Count)];
            var sender = conversation.Members[turn[conversation.Index]++ % conversation.Members.Count];
            var message = new SentMessage($"chaos-{settings.Seed}-{k}", conversation.Index, sender, due, k);
            lock (_sent) _sent.Add(message);
            _ = sender.SendAsync(message.Id, conversation.ConversationId, $"{conversation.Word} msg{k}x chaos campaign message number {k}", ct);
        }
    }

    private static async Task ResendLoopAsync(IReadOnlyList<ChaosDevice> devices, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(1000, ct); } catch (OperationCanceledException) { return; }
            foreach (var device in devices)
            {
                try { await device.ResendOverdueAsync(ct); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    /// <summary>Waits until every send is acked and every member's device holds every message, resending overdue sends meanwhile.</summary>
    private async Task<TimeSpan> DrainAsync(IReadOnlyList<ChaosDevice> devices, IReadOnlyList<ChaosConversation> conversations, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var deadline = start + settings.DrainSeconds * Stopwatch.Frequency;
        SentMessage[] sent;
        lock (_sent) sent = [.. _sent];
        var perConversation = sent.GroupBy(s => s.Conversation).ToDictionary(g => g.Key, g => g.Count());
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var unacked = devices.Sum(d => d.Unacked);
            var complete = unacked == 0 && conversations.All(c => c.Members.All(d =>
                d.Arrivals(c.ConversationId).Select(a => a.Id).Distinct().Count(id => id is not null) >= perConversation.GetValueOrDefault(c.Index)));
            if (complete) break;
            foreach (var device in devices) await device.ResendOverdueAsync(ct);
            await Task.Delay(500, ct);
        }
        return Stopwatch.GetElapsedTime(start);
    }

    private void PrintProgress(IReadOnlyList<ChaosDevice> devices, long loadStart)
    {
        var fault = _faults[^1];
        int sent;
        lock (_sent) sent = _sent.Count;
        progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chaos: t={Stopwatch.GetElapsedTime(loadStart).TotalSeconds,5:0.0}s {FaultKinds.Label(fault.Kind)} ({fault.Target}); sent {sent}, unacked {devices.Sum(d => d.Unacked)}, connected {devices.Count(d => d.IsConnected)}/{devices.Count}, reconnects {devices.Sum(d => d.Connects - 1)}"));
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static void TryDelete(string directory)
    {
        try { Directory.Delete(directory, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
