using System.Diagnostics;
using System.Globalization;
using ChatStreams.Bench.Edge;

namespace ChatStreams.Bench.Load;

/// <summary>
/// The load generator: registers and connects the clients once per system, then runs each scenario on new
/// conversations among them, sending open-loop on a fixed schedule (a slow system does not slow the schedule down;
/// latency counts from when a send was due) and accounting for every delivery at every member.
/// </summary>
public sealed class LoadBenchmark(LoadBenchSettings settings, TextWriter progress)
{
    private const int SetupConcurrency = 4;
    private const int ConnectConcurrency = 8;
    private static readonly TimeSpan ScheduleLead = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(2);

    /// <summary>After the last send, waiting ends once nothing new arrived for this long: what is missing then is lost.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>And at the latest this long after the last send (an overloaded rising step).</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);

    private readonly string _runTag = Guid.NewGuid().ToString("N")[..6];
    private Action<Delivery>? _observer;

    public async Task<LoadSystemResult> RunAsync(ILoadSystem system, CancellationToken ct)
    {
        var started = Stopwatch.StartNew();
        await system.StartAsync(progress, ct);
        var startup = started.Elapsed.TotalSeconds;
        var count = Math.Max(settings.Clients, settings.WarmUp?.Clients ?? 0);

        var registering = Stopwatch.StartNew();
        var accounts = new BenchAccount[count];
        var registered = 0;
        var prefix = "load" + _runTag + system.Name[..1].ToLowerInvariant();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = SetupConcurrency, CancellationToken = ct },
            async (i, token) =>
            {
                accounts[i] = await system.RegisterAsync(prefix + i.ToString(CultureInfo.InvariantCulture), token);
                if (Interlocked.Increment(ref registered) % 100 == 0) progress.WriteLine($"{system.Name}: {registered} / {count} users registered");
            });
        var registrationsPerSecond = count / registering.Elapsed.TotalSeconds;
        progress.WriteLine($"{system.Name}: {count} users registered in {registering.Elapsed.TotalSeconds:N1} s ({registrationsPerSecond:N1}/s)");

        var connecting = Stopwatch.StartNew();
        var clients = new ILoadClient[count];
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = ConnectConcurrency, CancellationToken = ct },
                async (i, token) => clients[i] = await system.ConnectAsync(accounts[i], i, d => Volatile.Read(ref _observer)?.Invoke(d), token));
            var connectSeconds = connecting.Elapsed.TotalSeconds;
            progress.WriteLine($"{system.Name}: {count} clients connected in {connectSeconds:N1} s");

            if (settings.WarmUp is { } warmUp)
            {
                var warm = await RunScenarioAsync(system, warmUp, accounts, clients, ct);
                progress.WriteLine($"{system.Name} warm-up: {Describe(warm.Headline)} (not reported)");
            }

            var results = new List<LoadScenarioResult>();
            foreach (var scenario in settings.Scenarios)
            {
                var result = await RunScenarioAsync(system, scenario, accounts, clients, ct);
                progress.WriteLine($"{system.Name} {scenario.Name}: {Describe(result.Headline)}" +
                                   (scenario.Rising ? $"; highest rate holding p99 < {settings.P99LimitMs:0} ms: {(result.HighestRate is { } r ? $"{r:N0} messages/s" : "none")}" : ""));
                results.Add(result);
            }
            return new LoadSystemResult(system.Name, system.Description, startup, count, registrationsPerSecond, connectSeconds, results);
        }
        finally
        {
            await Task.WhenAll(clients.Where(c => c is not null).Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private async Task<LoadScenarioResult> RunScenarioAsync(ILoadSystem system, LoadScenario scenario, BenchAccount[] accounts, ILoadClient[] clients, CancellationToken ct)
    {
        progress.WriteLine($"{system.Name} {scenario.Name}: {scenario.Conversations} conversation(s) of {scenario.Size}, {scenario.Senders} senders, creating …");
        var conversations = new PhaseConversation[scenario.Conversations];
        await Parallel.ForEachAsync(Enumerable.Range(0, scenario.Conversations), new ParallelOptions { MaxDegreeOfParallelism = SetupConcurrency, CancellationToken = ct },
            async (c, token) =>
            {
                var members = Enumerable.Range(c * scenario.Size, scenario.Size).ToArray();
                var id = await system.CreateConversationAsync(accounts[members[0]], [.. members.Skip(1).Select(m => accounts[m])], token);
                conversations[c] = new PhaseConversation(id, members);
            });
        await Parallel.ForEachAsync(conversations.SelectMany(c => c.Members.Select(m => (Client: m, c.Id))),
            new ParallelOptions { MaxDegreeOfParallelism = ConnectConcurrency, CancellationToken = ct },
            async (join, token) => await clients[join.Client].JoinAsync([join.Id], token));

        if (!scenario.Rising)
            return new LoadScenarioResult(scenario, [await RunPhaseAsync(system, scenario, conversations, clients, scenario.Rate, 0, ct)], null);

        var search = new RisingRateSearch(scenario.Rate, scenario.RisingTo!.Value, settings.Refinements);
        var phases = new List<LoadPhaseResult>();
        var next = 0;
        while (search.Next() is { } rate)
        {
            var phase = await RunPhaseAsync(system, scenario, conversations, clients, rate, next, ct);
            next += MessagesPerSender(scenario, rate);
            var holds = phase.Holds(settings.P99LimitMs);
            search.Report(rate, holds);
            phases.Add(phase);
            progress.WriteLine($"{system.Name} {scenario.Name} step {rate:N0} messages/s: {(holds ? "holds" : "does not hold")} — {Describe(phase)}");
        }
        return new LoadScenarioResult(scenario, phases, search.HighestPassed);
    }

    private static int MessagesPerSender(LoadScenario scenario, double rate) => Math.Max(1, (int)Math.Round(rate / scenario.Senders * scenario.Seconds));

    /// <summary>One stretch at <paramref name="rate"/>: every sender's messages on the schedule, then waiting for every delivery.</summary>
    private async Task<LoadPhaseResult> RunPhaseAsync(ILoadSystem system, LoadScenario scenario, IReadOnlyList<PhaseConversation> conversations,
        ILoadClient[] clients, double rate, int firstNumber, CancellationToken ct)
    {
        var ledger = new DeliveryLedger(conversations.Select(c => (c.Id, (IReadOnlyList<int>)c.Members)), firstNumber);
        var senders = conversations.SelectMany(c => c.Members.Take(scenario.SendersPerConversation).Select(m => (Client: m, c.Id))).ToList();
        var members = conversations.SelectMany(c => c.Members).ToList();
        var messages = MessagesPerSender(scenario, rate);
        var perSender = rate / senders.Count;
        long due = (long)senders.Count * messages * scenario.Size;
        var acceptedBefore = members.Sum(m => clients[m].Accepted);
        var errorsBefore = members.ToDictionary(m => m, m => clients[m].Errors.Count);

        var schedule = new SendSchedule(Stopwatch.GetTimestamp() + (long)(ScheduleLead.TotalSeconds * Stopwatch.Frequency), perSender, senders.Count, Stopwatch.Frequency);
        var recorder = new LatencyRecorder(schedule.Start);
        long firstArrivals = 0, lastArrival = schedule.Start;
        Volatile.Write(ref _observer, d =>
        {
            if (!ledger.Record(d)) return;
            Interlocked.Increment(ref firstArrivals);
            if (d.StampedAt is { } stamp) recorder.Record(stamp, d.ArrivedAt);
            long seen;
            while ((seen = Interlocked.Read(ref lastArrival)) < d.ArrivedAt && Interlocked.CompareExchange(ref lastArrival, d.ArrivedAt, seen) != seen) { }
        });
        progress.WriteLine($"{system.Name} {scenario.Name}: {senders.Count} senders × {messages} messages at {perSender:0.##}/s each = {rate:N0} messages/s " +
                           $"into {conversations.Count} conversation(s) of {scenario.Size} ({due:N0} deliveries due) …");

        await using var usage = new SystemUsageWatch(system.ProcessIds);
        var failures = new List<string>();
        var sending = Task.WhenAll(senders.Select((s, slot) => SendAllAsync(clients[s.Client], s.Client, s.Id, slot, schedule, messages, firstNumber, ledger, failures, ct)));
        var storm = scenario.DropFraction > 0 ? StormAsync(system, scenario, members, clients, schedule.Start, ct) : Task.CompletedTask;

        var sinceProgress = Stopwatch.StartNew();
        var lastChange = Stopwatch.StartNew();
        Stopwatch? drained = null;
        long lastSeen = -1;
        while (true)
        {
            if (sending.IsFaulted || storm.IsFaulted) await Task.WhenAll(sending, storm);
            var arrived = Interlocked.Read(ref firstArrivals);
            var accepted = members.Sum(m => clients[m].Accepted) - acceptedBefore;
            var done = sending.IsCompleted && storm.IsCompleted;
            if (done && arrived >= due && accepted >= ledger.SentCount) break;
            if (arrived + accepted != lastSeen)
            {
                lastSeen = arrived + accepted;
                lastChange.Restart();
            }
            if (done)
            {
                drained ??= Stopwatch.StartNew();
                if (lastChange.Elapsed > StallTimeout || drained.Elapsed > DrainLimit)
                {
                    progress.WriteLine($"  {system.Name} {scenario.Name}: stopped waiting ({(drained.Elapsed > DrainLimit ? $"{DrainLimit.TotalSeconds:0} s after the last send" : $"nothing new for {StallTimeout.TotalSeconds:0} s")}); " +
                                       $"{due - arrived:N0} deliveries and {ledger.SentCount - accepted:N0} confirmations missing");
                    break;
                }
            }
            if (sinceProgress.Elapsed > ProgressEvery)
            {
                var now = Stopwatch.GetTimestamp();
                var recent = recorder.RecentP99Ms(now) is { } p99 ? $"{p99:N1} ms" : "-";
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {system.Name} {scenario.Name} @ {rate:N0}/s, {(double)(now - schedule.Start) / Stopwatch.Frequency,5:N1} s: sent {ledger.SentCount:N0}, confirmed {accepted:N0}, delivered {arrived:N0} / {due:N0}, p99 of the last second {recent}"));
                sinceProgress.Restart();
            }
            await Task.Delay(20, ct);
        }
        var systemUsage = await usage.StopAsync();
        Volatile.Write(ref _observer, null);

        var errors = members.SelectMany(m => clients[m].Errors.Skip(errorsBefore[m])).Concat(failures).ToList();
        var seconds = (double)(Math.Max(Interlocked.Read(ref lastArrival), schedule.Due(senders.Count - 1, messages - 1)) - schedule.Start) / Stopwatch.Frequency;
        return new LoadPhaseResult(rate, seconds, ledger.SentCount, members.Sum(m => clients[m].Accepted) - acceptedBefore, ledger.Tally(), errors.Count,
            [.. errors.Take(5)], recorder.Summary(), recorder.OverTime(), systemUsage);
    }

    /// <summary>
    /// Sends on the schedule; the body carries the time the send was due, so a send the generator or a blocked
    /// connection made late is measured from when it should have gone (no coordinated omission).
    /// </summary>
    private static async Task SendAllAsync(ILoadClient client, int sender, string conversationId, int slot, SendSchedule schedule, int messages,
        int firstNumber, DeliveryLedger ledger, List<string> failures, CancellationToken ct)
    {
        for (var n = 0; n < messages; n++)
        {
            var dueAt = schedule.Due(slot, n);
            var wait = dueAt - Stopwatch.GetTimestamp();
            if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct);
            ledger.Sent(sender);
            try
            {
                await client.SendAsync(conversationId, LoadMessageId.Format(sender, firstNumber + n), MessageStamp.Body(dueAt, EdgeBenchSettings.BodyLength), ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                lock (failures) failures.Add($"client {sender}: send {firstNumber + n} failed: {e.Message}");
            }
        }
    }

    /// <summary>Halfway through the phase, the scenario's share of the clients drops at once and then all of them resume at once.</summary>
    private async Task StormAsync(ILoadSystem system, LoadScenario scenario, IReadOnlyList<int> members, ILoadClient[] clients, long start, CancellationToken ct)
    {
        var at = start + (long)(scenario.Seconds / 2 * Stopwatch.Frequency);
        var wait = at - Stopwatch.GetTimestamp();
        if (wait > 0) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct);
        var step = 1 / scenario.DropFraction;
        var dropped = Enumerable.Range(0, (int)Math.Round(members.Count * scenario.DropFraction)).Select(i => members[(int)(i * step)]).ToList();
        var storm = Stopwatch.StartNew();
        foreach (var client in dropped) clients[client].Drop();
        progress.WriteLine($"  {system.Name} {scenario.Name}: dropped {dropped.Count} of {members.Count} clients; resuming all at once …");
        await Task.WhenAll(dropped.Select(c => clients[c].ResumeAsync(ct)));
        progress.WriteLine($"  {system.Name} {scenario.Name}: {dropped.Count} clients back in {storm.Elapsed.TotalSeconds:N1} s");
    }

    public static string Describe(LoadPhaseResult r) => string.Create(CultureInfo.InvariantCulture,
        $"p50 {r.Latency.P50Ms:N1} ms, p99 {r.Latency.P99Ms:N1} ms, p99.9 {r.Latency.P999Ms:N1} ms, max {r.Latency.MaxMs:N0} ms; " +
        $"{r.AcceptedPerSecond:N0} messages/s confirmed, {r.DeliveriesPerSecond:N0} deliveries/s; lost {r.Deliveries.Lost}, duplicates {r.Deliveries.Duplicates}, " +
        $"out of order {r.Deliveries.OutOfOrder}, errors {r.Errors}{(r.Usage is { } u ? $"; system {u.SystemCores:N2} cores, {u.SystemPeakRssMb:N0} MB" : "")}");

    private sealed record PhaseConversation(string Id, int[] Members);
}
