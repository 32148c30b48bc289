using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Edge;

/// <summary>
/// Real WebSocket clients through the gateway: registers users, creates conversations, connects one socket per user
/// (the gateway spreads them over the edges) and sends at a fixed rate per connection, timing every ack and every
/// message frame and checking each device's seqs. Progress goes to <paramref name="progress"/>.
/// </summary>
public sealed class EdgeBenchmark(EdgeBenchSettings settings, TextWriter progress)
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A run that sees no new ack or message frame for this long has stalled: what is missing then is lost.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(3);

    /// <summary>Registrations and conversation creations in flight at once: each costs an Argon2id hash or a sequencer round trip.</summary>
    private const int SetupConcurrency = 4;

    /// <summary>Time between setting up a run and its first send, so the schedule does not start already late.</summary>
    private static readonly TimeSpan ScheduleLead = TimeSpan.FromMilliseconds(100);

    private readonly string _runTag = Guid.NewGuid().ToString("N")[..8];
    private ChatRestClient _api = null!;
    private ChatUpProcess? _up;
    private int _registered;
    private TimeSpan _registering;

    public async Task<EdgeBenchResult> RunAsync(CancellationToken ct)
    {
        var startup = Stopwatch.StartNew();
        ChatUpProcess? up = null;
        try
        {
            string gateway;
            if (settings.Url is null)
            {
                progress.WriteLine($"starting `dotnet {Path.GetFileName(ChatUpProcess.HostBinary)} up` (embedded broker and registry, topologies, edges, gateway) …");
                up = await ChatUpProcess.StartAsync(ct);
                _up = up;
                gateway = up.Endpoints.GatewayUrl;
                progress.WriteLine($"up after {startup.Elapsed.TotalSeconds:N1} s: gateway {gateway}, kafka {up.Endpoints.Kafka}, data in {up.DataDirectory}");
            }
            else gateway = settings.Url.TrimEnd('/');

            using var api = new ChatRestClient(gateway);
            _api = api;
            var edges = await WaitForEdgesAsync(api, up, ct);
            progress.WriteLine($"the gateway sees {edges} healthy edges; waiting until a conversation is created end to end …");
            await WaitForSequencerAsync(api, up, ct);
            var startupSeconds = startup.Elapsed.TotalSeconds;
            progress.WriteLine($"ready after {startupSeconds:N1} s");

            var warmup = await RunDirectAsync("warm-up", api, EdgeBenchSettings.WarmupPairs, EdgeBenchSettings.WarmupMessages, ct);
            progress.WriteLine($"warm-up: {Describe(warmup)} (not reported)");

            var direct = await RunDirectAsync("direct", api, settings.Pairs, settings.Messages, ct);
            progress.WriteLine($"direct: {Describe(direct)}");
            var group = await RunGroupAsync(api, ct);
            progress.WriteLine($"group: {Describe(group)}");

            var registrationsPerSecond = _registering > TimeSpan.Zero ? _registered / _registering.TotalSeconds : 0;
            return new EdgeBenchResult(up is not null, gateway, edges, startupSeconds, registrationsPerSecond, direct, group);
        }
        finally
        {
            if (up is not null)
            {
                progress.WriteLine("stopping `chatstreams up` (SIGTERM) …");
                await up.DisposeAsync();
            }
        }
    }

    private async Task<int> WaitForEdgesAsync(ChatRestClient api, ChatUpProcess? up, CancellationToken ct) =>
        await ChatSystemReadiness.WaitForEdgesAsync(api, up, ct);

    private async Task WaitForSequencerAsync(ChatRestClient api, ChatUpProcess? up, CancellationToken ct)
    {
        var accounts = await RegisterAsync("readiness", 2, ct, timed: false);
        await ChatSystemReadiness.WaitForSequencerAsync(api, up, accounts[0], accounts[1], ct);
    }

    /// <summary>Pairs in direct conversations: each sender sends <paramref name="messages"/>; its partner, on the other edge, receives them.</summary>
    private async Task<ScenarioResult> RunDirectAsync(string label, ChatRestClient api, int pairs, int messages, CancellationToken ct)
    {
        var accounts = await RegisterAsync(label, 2 * pairs, ct);
        var sockets = await ConnectAsync(label, api, accounts, ct);
        try
        {
            var conversations = await CreateAsync(label, pairs, i =>
                api.CreateConversationAsync(accounts[2 * i], "direct", null, [accounts[2 * i + 1]], ct), ct);
            var scenario = conversations.Select((id, i) =>
                new ScenarioConversation(id, [sockets[2 * i], sockets[2 * i + 1]], [sockets[2 * i]], [sockets[2 * i + 1]])).ToList();
            await WaitForJoinsAsync(label, scenario, ct);
            return await RunScenarioAsync(label, scenario, messages, ct);
        }
        finally
        {
            await CloseAsync(sockets);
        }
    }

    /// <summary>One group: the first members send, every member (senders included) receives every message.</summary>
    private async Task<ScenarioResult> RunGroupAsync(ChatRestClient api, CancellationToken ct)
    {
        const string label = "group";
        var accounts = await RegisterAsync(label, settings.GroupSize, ct);
        var sockets = await ConnectAsync(label, api, accounts, ct);
        try
        {
            var ids = await CreateAsync(label, 1, _ =>
                api.CreateConversationAsync(accounts[0], "group", $"edge benchmark {_runTag}", accounts.Skip(1), ct), ct);
            // Sockets alternate between the edges as they connect, so the senders do too.
            var scenario = new List<ScenarioConversation> { new(ids[0], sockets, sockets.Take(settings.GroupSenders).ToList(), sockets) };
            await WaitForJoinsAsync(label, scenario, ct);
            return await RunScenarioAsync(label, scenario, settings.Messages, ct);
        }
        finally
        {
            await CloseAsync(sockets);
        }
    }

    /// <param name="timed">Whether the registrations count in the reported rate (the first ones, while the edges are still cold, do not).</param>
    private async Task<BenchAccount[]> RegisterAsync(string label, int count, CancellationToken ct, bool timed = true)
    {
        progress.WriteLine($"{label}: registering {count} users …");
        var accounts = new BenchAccount[count];
        var started = Stopwatch.GetTimestamp();
        // Letters and digits only (3–32 characters), unique per run, so runs against one long-lived system never collide.
        var prefix = new string(label.Where(char.IsAsciiLetter).Take(8).ToArray()) + _runTag;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = SetupConcurrency, CancellationToken = ct },
            async (i, token) => accounts[i] = await _api.RegisterAsync(prefix + i.ToString(CultureInfo.InvariantCulture), token));
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (timed)
        {
            _registered += count;
            _registering += elapsed;
        }
        progress.WriteLine($"{label}: registered {count} users in {elapsed.TotalSeconds:N1} s");
        return accounts;
    }

    /// <summary>One socket per account, one after the other: the gateway balances by open requests, so they alternate between the edges.</summary>
    private async Task<List<ChatSocket>> ConnectAsync(string label, ChatRestClient api, IReadOnlyList<BenchAccount> accounts, CancellationToken ct)
    {
        var sockets = new List<ChatSocket>(accounts.Count);
        try
        {
            for (var i = 0; i < accounts.Count; i++)
                sockets.Add(await ChatSocket.ConnectAsync(api.GatewayUrl, accounts[i], $"bench-{label}-{i}", ct));
        }
        catch
        {
            await CloseAsync(sockets);
            throw;
        }
        progress.WriteLine($"{label}: {sockets.Count} sockets connected ({Spread(sockets)})");
        return sockets;
    }

    /// <summary>Creates <paramref name="count"/> conversations, a few at a time; any answer but 200, 201 or 202 is an error.</summary>
    private async Task<string[]> CreateAsync(string label, int count,
        Func<int, Task<(HttpStatusCode Status, string? ConversationId, string Body)>> create, CancellationToken ct)
    {
        var ids = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = SetupConcurrency, CancellationToken = ct },
            async (i, _) =>
            {
                var (status, id, body) = await create(i);
                ids[i] = id ?? throw new InvalidOperationException($"{label}: creating a conversation answered {(int)status}: {body}");
            });
        progress.WriteLine($"{label}: {count} conversation{(count == 1 ? "" : "s")} created");
        return ids;
    }

    /// <summary>Waits until every member's socket got its conversation's first frame, so the fan-out delivers there before anything is timed.</summary>
    private async Task WaitForJoinsAsync(string label, IReadOnlyList<ScenarioConversation> conversations, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var missing = conversations.Sum(c => c.Members.Count(m => !m.HasJoined(c.ConversationId)));
            if (missing == 0) return;
            if (deadline.Elapsed > JoinTimeout)
                throw new TimeoutException($"{label}: {missing} devices did not receive their conversation's first frame within {JoinTimeout.TotalSeconds:0} s");
            await Task.Delay(50, ct);
        }
    }

    /// <summary>Every sender sends <paramref name="messages"/> on the fixed schedule; waits for every ack and message frame, then measures.</summary>
    private async Task<ScenarioResult> RunScenarioAsync(string label, IReadOnlyList<ScenarioConversation> conversations, int messages, CancellationToken ct)
    {
        var senders = conversations.SelectMany(c => c.Senders.Select(s => new Sender(s, c.ConversationId, new long[messages]))).ToList();
        var members = conversations.SelectMany(c => c.Members).Distinct().ToList();
        var sent = senders.Count * messages;
        long due = conversations.Sum(c => (long)c.Members.Count * c.Senders.Count * messages);
        progress.WriteLine($"{label}: {senders.Count} senders × {messages} messages at {settings.Rate:0.##}/s each ({senders.Count * settings.Rate:0.##} messages/s, " +
                           $"{due:N0} message frames due at {members.Count} devices) …");

        var cpuBefore = CpuSnapshot.Take(_up?.ProcessId);
        var schedule = new SendSchedule(Stopwatch.GetTimestamp() + (long)(ScheduleLead.TotalSeconds * Stopwatch.Frequency), settings.Rate, senders.Count, Stopwatch.Frequency);
        var sending = Task.WhenAll(senders.Select((s, i) => SendAllAsync(s, i, schedule, ct)));

        var lastChange = Stopwatch.StartNew();
        var sinceProgress = Stopwatch.StartNew();
        long lastSeen = -1;
        var reportedErrors = 0;
        while (true)
        {
            if (sending.IsFaulted) await sending;
            var acked = senders.Sum(s => s.Socket.AckCount);
            long received = members.Sum(m => (long)m.MessageCount);
            if (sending.IsCompleted && acked >= sent && received >= due) break;
            var errors = members.SelectMany(m => m.Errors).ToList();
            foreach (var error in errors.Skip(reportedErrors)) progress.WriteLine($"  {label}: {error}");
            reportedErrors = errors.Count;
            if (acked + received != lastSeen)
            {
                lastSeen = acked + received;
                lastChange.Restart();
            }
            else if (lastChange.Elapsed > StallTimeout)
            {
                progress.WriteLine($"  {label}: nothing new for {StallTimeout.TotalSeconds:0} s; {sent - acked:N0} acks and {due - received:N0} message frames are missing");
                break;
            }
            if (sinceProgress.Elapsed > ProgressEvery)
            {
                progress.WriteLine($"  {label}: {acked:N0} / {sent:N0} acked, {received:N0} / {due:N0} message frames received");
                sinceProgress.Restart();
            }
            await Task.Delay(20, ct);
        }
        var cpu = ScenarioCpu.Between(cpuBefore, CpuSnapshot.Take(_up?.ProcessId), Environment.ProcessorCount);
        await sending;
        return Measure(label, conversations, senders, members, schedule.Start, cpu);
    }

    private static async Task SendAllAsync(Sender sender, int index, SendSchedule schedule, CancellationToken ct)
    {
        for (var n = 0; n < sender.SentAt.Length; n++)
        {
            var wait = schedule.Due(index, n) - Stopwatch.GetTimestamp();
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct);
            var now = Stopwatch.GetTimestamp();
            sender.SentAt[n] = now;
            var frame = JsonSerializer.Serialize(new
            {
                type = "send",
                id = MessageId(n),
                conversationId = sender.ConversationId,
                body = MessageStamp.Body(now, EdgeBenchSettings.BodyLength),
            });
            await sender.Socket.SendTextAsync(frame, ct);
        }
    }

    private static ScenarioResult Measure(string label, IReadOnlyList<ScenarioConversation> conversations, IReadOnlyList<Sender> senders,
        IReadOnlyList<ChatSocket> members, long start, ScenarioCpu? cpu)
    {
        var ackTicks = new List<long>();
        var acked = 0;
        foreach (var sender in senders)
        foreach (var ack in sender.Socket.Acks)
        {
            if (ack.Duplicate || MessageNumber(ack.Id) is not { } n || n >= sender.SentAt.Length) continue;
            ackTicks.Add(ack.ArrivedAt - sender.SentAt[n]);
            acked++;
        }

        var deliveryTicks = new List<long>();
        long expected = 0, counted = 0;
        var check = SequenceCheck.Clean;
        var last = start;
        foreach (var conversation in conversations)
        {
            var total = conversation.Senders.Count * senders.First(s => s.ConversationId == conversation.ConversationId).SentAt.Length;
            foreach (var member in conversation.Members)
            {
                var frames = member.Messages.Where(m => m.ConversationId == conversation.ConversationId).ToList();
                // Seq 1 is the conversation's creation; the messages are 2 .. total + 1.
                check += SequenceCheck.Of(frames.Select(f => f.Seq), 2, total + 1);
                if (frames.Count > 0) last = Math.Max(last, frames.Max(f => f.ArrivedAt));
                if (!conversation.Counted.Contains(member)) continue;
                expected += total;
                counted += frames.Count;
                deliveryTicks.AddRange(frames.Where(f => f.SentAt is not null).Select(f => f.ArrivedAt - f.SentAt!.Value));
            }
        }

        return new ScenarioResult(label, conversations.Count, PerEdge(members), senders.Count, senders.Sum(s => s.SentAt.Length), acked,
            expected, counted, (double)(last - start) / Stopwatch.Frequency,
            LatencyDistribution.FromTicks([.. ackTicks], Stopwatch.Frequency), LatencyDistribution.FromTicks([.. deliveryTicks], Stopwatch.Frequency),
            check, members.SelectMany(m => m.Errors).Concat(members.Where(m => m.Closed).Select(m => $"{m.Account.Username}/{m.DeviceId}: socket closed")).ToList(), cpu);
    }

    /// <summary>Client message ids: "m&lt;n&gt;", unique per sender and conversation as the protocol's dedup needs.</summary>
    private static string MessageId(int n) => "m" + n.ToString(CultureInfo.InvariantCulture);

    private static int? MessageNumber(string id) =>
        id.StartsWith('m') && int.TryParse(id.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static SortedDictionary<string, int> PerEdge(IEnumerable<ChatSocket> sockets) =>
        new(sockets.GroupBy(s => s.Edge).ToDictionary(g => g.Key, g => g.Count()), StringComparer.Ordinal);

    private static string Spread(IEnumerable<ChatSocket> sockets) => string.Join(", ", PerEdge(sockets).Select(e => $"{e.Value} on {e.Key}"));

    private static async Task CloseAsync(IEnumerable<ChatSocket> sockets) => await Task.WhenAll(sockets.Select(s => s.DisposeAsync().AsTask()));

    private static string Describe(ScenarioResult r) => string.Create(CultureInfo.InvariantCulture,
        $"send → ack p50 {r.SendToAck.P50Ms:N1} ms, p99 {r.SendToAck.P99Ms:N1} ms; send → message p50 {r.SendToMessage.P50Ms:N1} ms, p99 {r.SendToMessage.P99Ms:N1} ms, " +
        $"max {r.SendToMessage.MaxMs:N0} ms; {r.MessagesPerSecond:N0} messages/s, {r.DeliveriesPerSecond:N0} deliveries/s over {r.Seconds:N1} s; " +
        $"lost {r.Check.Lost}, duplicates {r.Check.Duplicates}, out of order {r.Check.OutOfOrder}, errors {r.Errors.Count}");

    /// <summary>A sending connection, its conversation and the timestamp of each of its sends.</summary>
    private sealed record Sender(ChatSocket Socket, string ConversationId, long[] SentAt);
}
