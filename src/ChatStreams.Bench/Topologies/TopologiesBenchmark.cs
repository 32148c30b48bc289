using System.Diagnostics;
using System.Text;
using ChatStreams.Contracts;
using ChatStreams.Topologies;
using ChatStreams.Topologies.FanOut;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Bench.Topologies;

/// <summary>
/// Runs the chat topologies benchmark: the conversation and fan-out topologies on the embedded broker, fed the way
/// edges feed them, watched the way edges and sinks read them. Per group size: connect every member (half at each
/// edge), create the conversations, then a burst for throughput and a fixed-rate run for latency.
/// </summary>
public sealed class TopologiesBenchmark(TopologiesBenchSettings settings, ILoggerFactory loggers, TextWriter progress)
{
    /// <summary>
    /// Long enough that no member's connection goes silent during the run, so no heartbeats are needed (they would be
    /// sessions traffic the fan-out handles besides the messages). The default is 30 s with heartbeats every 10 s.
    /// </summary>
    public static readonly TimeSpan SessionInactivityGap = TimeSpan.FromHours(1);

    /// <summary>Group size of the warm-up set (not reported).</summary>
    public const int WarmupSize = 10;

    /// <summary>A wait that sees no new delivery for this long has stalled.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(3);

    /// <summary>Pause before a latency run, so the previous size's burst has settled (last commits, store flushes and compactions).</summary>
    private static readonly TimeSpan QuietBeforeLatency = TimeSpan.FromSeconds(3);

    private readonly CommandLedger _ledger = new();
    private readonly ThreadCpuWatch _cpu = new();
    private CommitWatch _commits = null!;
    private EmbeddedChatPipeline _pipeline = null!;
    private EdgeProducer _edges = null!;
    private IReadOnlyList<OutputReader> _readers = [];

    public async Task<TopologiesBenchResult> RunAsync()
    {
        var startup = Stopwatch.StartNew();
        using var commits = new CommitWatch();
        _commits = commits;
        progress.WriteLine($"starting the registry, the broker, {settings.Partitions}-partition topics and the conversation + fan-out topologies (EOS, commit interval {settings.CommitIntervalMs} ms) …");
        await using var pipeline = await EmbeddedChatPipeline.StartAsync(settings, new TopologyOptions { SessionInactivityGap = SessionInactivityGap }, loggers);
        _pipeline = pipeline;
        using var edges = new EdgeProducer(pipeline.Kafka, pipeline.Serdes);
        _edges = edges;
        _readers =
        [
            OutputReader.Events(pipeline.Kafka, settings.Partitions, pipeline.Serdes, _ledger),
            .. BenchConversations.Edges.Select(edge => OutputReader.Edge(edge, pipeline.Kafka, settings.Partitions, pipeline.Serdes, _ledger)),
        ];
        try
        {
            var startupSeconds = startup.Elapsed.TotalSeconds;
            progress.WriteLine($"running after {startupSeconds:N1} s");
            if (settings.WarmupMessages > 0)
            {
                var warmup = await PrepareAsync("warm-up", WarmupSize, TopologiesBenchSettings.MinConversations);
                progress.WriteLine($"warm-up: {settings.WarmupMessages:N0} messages to groups of {WarmupSize} …");
                var run = ThroughputRun.Of(await BurstAsync("warm-up", warmup, settings.WarmupMessages), Stopwatch.Frequency);
                progress.WriteLine($"warm-up: {run.MessagesPerSecond:N0} messages/s, {run.DeliveriesPerSecond:N0} deliveries/s (not reported)");
            }

            var results = new List<GroupSizeResult>();
            foreach (var size in settings.Sizes) results.Add(await RunSizeAsync(size));
            return new TopologiesBenchResult(results, startupSeconds);
        }
        finally
        {
            foreach (var reader in _readers) reader.Dispose();
        }
    }

    /// <summary>
    /// One group size: the fixed-rate latency run first, on a pipeline that has been quiet for a moment, then the burst
    /// (whose aftermath — store compactions, a drained backlog — would otherwise be in the latency).
    /// </summary>
    private async Task<GroupSizeResult> RunSizeAsync(int size)
    {
        var label = $"groups of {size}";
        var conversations = await PrepareAsync(label, size, TopologiesBenchSettings.ConversationsFor(size));
        await Task.Delay(QuietBeforeLatency);

        var rate = settings.RateFor(size);
        var count = Math.Max(1, (int)Math.Round(rate * settings.LatencySeconds));
        progress.WriteLine($"{label}: {count:N0} messages at {rate:N1}/s for latency …");
        OpenWindow();
        var timelines = await SendAtRateAsync(label, conversations, count, rate);
        var latencyActivity = CloseWindow();
        var latency = LatencyBreakdown.Of(timelines, Stopwatch.Frequency);
        progress.WriteLine($"{label}: end-to-end p50 {latency.EndToEnd.P50Ms:N1} ms, p99 {latency.EndToEnd.P99Ms:N1} ms; produce→ack p50 {latency.ProduceToAck.P50Ms:N1} ms, " +
                           $"conversation {latency.Conversation.P50Ms:N1} ms, fan-out {latency.FanOut.P50Ms:N1} ms; topologies {latency.TopologiesShare:P0} of the p50; {Describe(latencyActivity)}");

        var messages = settings.MessagesFor(size);
        progress.WriteLine($"{label}: burst of {messages:N0} messages ({messages * (long)size:N0} deliveries) …");
        OpenWindow();
        var burstTimelines = await BurstAsync(label, conversations, messages);
        var burstActivity = CloseWindow();
        var burst = ThroughputRun.Of(burstTimelines, Stopwatch.Frequency);
        progress.WriteLine($"{label}: {burst.MessagesPerSecond:N0} messages/s, {burst.DeliveriesPerSecond:N0} deliveries/s ({burst.Seconds:N1} s), " +
                           $"so the latency run was at {rate / burst.MessagesPerSecond:P0} of it; {Describe(burstActivity)}");

        var duplicates = burstTimelines.Concat(timelines).Sum(t => t.Surplus);
        return new GroupSizeResult(size, conversations.Count, burst, burstActivity, rate, latency, latencyActivity, duplicates);
    }

    /// <summary>Connects every member, waits until the fan-out's sessions table has them, creates the conversations and waits until every member got its ConversationCreated.</summary>
    private async Task<IReadOnlyList<BenchConversation>> PrepareAsync(string label, int size, int count)
    {
        var conversations = BenchConversations.Create(label.Replace(' ', '-'), size, count);
        var members = conversations.SelectMany(c => c.Members).ToList();
        progress.WriteLine($"{label}: connecting {members.Count:N0} members ({count} conversations) at {string.Join(" and ", BenchConversations.Edges)} …");
        var written = _edges.Connect(members);
        await WaitForSessionsAsync(written);

        var created = new List<CommandTimeline>();
        foreach (var conversation in conversations)
        {
            var command = Command(conversation, conversation.Members[0], new CreateConversation
            {
                Kind = size == 2 ? ConversationKind.Direct : ConversationKind.Group,
                Title = size == 2 ? null : $"benchmark {conversation.ConversationId}",
                Members = conversation.Members.Select(m => m.UserId).ToList(),
            });
            var timeline = _ledger.Expect(command.CommandId, size);
            _edges.Send(command, timeline);
            created.Add(timeline);
        }
        _edges.Flush();
        await WaitForAsync($"{label}: creating conversations", created, t => t.Complete);
        return conversations;
    }

    /// <summary>Waits until the fan-out committed every session event written (its sessions table holds every member).</summary>
    private async Task WaitForSessionsAsync(IReadOnlyDictionary<int, long> written)
    {
        var deadline = DateTime.UtcNow + StallTimeout;
        while (true)
        {
            ThrowOnFailure();
            var committed = await _pipeline.CommittedAsync(FanOutTopology.ApplicationId, Topics.ChatSessions, settings.Partitions);
            if (written.All(w => committed.TryGetValue(w.Key, out var next) && next > w.Value)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the fan-out did not take in the session events within {StallTimeout.TotalSeconds:0} s");
            await Task.Delay(50);
        }
    }

    private async Task<IReadOnlyList<CommandTimeline>> BurstAsync(string label, IReadOnlyList<BenchConversation> conversations, int count)
    {
        var body = Body(settings.BodyLength);
        var timelines = new CommandTimeline[count];
        var sending = Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < count; i++) timelines[i] = SendMessage(conversations, i, body);
            _edges.Flush();
        }, TaskCreationOptions.LongRunning);
        await WaitForAsync($"{label}: burst", timelines, t => t.Delivered == t.ExpectedDeliveries, sending);
        return timelines;
    }

    private async Task<IReadOnlyList<CommandTimeline>> SendAtRateAsync(string label, IReadOnlyList<BenchConversation> conversations, int count, double rate)
    {
        var body = Body(settings.BodyLength);
        var timelines = new CommandTimeline[count];
        var sending = Task.Factory.StartNew(() =>
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < count; i++)
            {
                // Each message is due at its own slot on a fixed schedule, so a late one does not shift the rest.
                var due = start + (long)(i * Stopwatch.Frequency / rate);
                long remaining;
                while ((remaining = due - Stopwatch.GetTimestamp()) > 0)
                {
                    if (remaining > Stopwatch.Frequency / 500) Thread.Sleep(1);
                    else Thread.Yield();
                }
                timelines[i] = SendMessage(conversations, i, body);
            }
            _edges.Flush();
        }, TaskCreationOptions.LongRunning);
        await WaitForAsync($"{label}: latency run", timelines, t => t.Complete, sending);
        return timelines;
    }

    /// <summary>Message <paramref name="index"/> goes to the conversations round-robin; within one, the members take turns.</summary>
    private CommandTimeline SendMessage(IReadOnlyList<BenchConversation> conversations, int index, string body)
    {
        var conversation = conversations[index % conversations.Count];
        var sender = conversation.Members[index / conversations.Count % conversation.Members.Count];
        var command = Command(conversation, sender, new SendMessage { Body = body });
        var timeline = _ledger.Expect(command.CommandId, conversation.Members.Count);
        _edges.Send(command, timeline);
        return timeline;
    }

    private static ChatCommand Command(BenchConversation conversation, BenchMember sender, object payload) => new()
    {
        CommandId = Guid.NewGuid().ToString(),
        ConversationId = conversation.ConversationId,
        UserId = sender.UserId,
        DeviceId = sender.DeviceId,
        EdgeId = sender.EdgeId,
        ClientMessageId = Guid.NewGuid().ToString("N"),
        IssuedAt = DateTime.UtcNow,
        Payload = payload,
    };

    /// <summary>
    /// Waits until every timeline is done, printing progress; fails fast on a topology, reader or producer failure or a
    /// rejection, and after <see cref="StallTimeout"/> without a new delivery.
    /// </summary>
    private async Task WaitForAsync(string what, IReadOnlyList<CommandTimeline?> timelines, Func<CommandTimeline, bool> done, Task? sending = null)
    {
        var expected = timelines.Count;
        var lastChange = Stopwatch.StartNew();
        var sinceProgress = Stopwatch.StartNew();
        long lastDelivered = -1;
        while (true)
        {
            ThrowOnFailure();
            if (sending is { IsFaulted: true }) await sending;
            var sent = sending is null || sending.IsCompleted;
            long delivered = 0, wanted = 0;
            var finished = 0;
            foreach (var t in timelines)
            {
                if (t is null) continue; // not sent yet
                delivered += t.Delivered;
                wanted += t.ExpectedDeliveries;
                if (done(t)) finished++;
            }
            if (sent && finished == expected) return;
            if (delivered != lastDelivered)
            {
                lastDelivered = delivered;
                lastChange.Restart();
            }
            else if (lastChange.Elapsed > StallTimeout)
            {
                throw new TimeoutException($"{what}: no new delivery for {StallTimeout.TotalSeconds:0} s ({finished:N0} of {expected:N0} messages complete, {delivered:N0} deliveries)");
            }
            if (sinceProgress.Elapsed > ProgressEvery)
            {
                progress.WriteLine($"  {what}: {finished:N0} / {expected:N0} messages complete, {delivered:N0} / {wanted:N0} deliveries of those sent");
                sinceProgress.Restart();
            }
            await Task.Delay(20);
        }
    }

    private void ThrowOnFailure()
    {
        if (_pipeline.TopologyFailure is { } topology) throw topology;
        if (_readers.FirstOrDefault(r => r.Failure is not null) is { } reader)
            throw new InvalidOperationException($"the reader of {reader.Topic} failed: {reader.Failure!.Message}", reader.Failure);
        if (_edges.Failures.Count > 0) throw new InvalidOperationException($"a record was not written: {_edges.Failures.First()}");
        if (_ledger.Rejections.Count > 0)
            throw new InvalidOperationException($"{_ledger.Rejections.Count} commands were rejected, the first: {_ledger.Rejections.First()}");
        if (_ledger.Strays > 0) throw new InvalidOperationException($"{_ledger.Strays} events or deliveries of commands this benchmark never sent");
    }

    private void OpenWindow()
    {
        _commits.Open();
        _cpu.Open();
    }

    /// <summary>The stream threads' commits and CPU since <see cref="OpenWindow"/> (their names start with the application id).</summary>
    private WindowActivity CloseWindow()
    {
        var conversation = ChatApplications.Conversation.ApplicationId;
        var fanOut = ChatApplications.FanOut.ApplicationId;
        var commits = _commits.Close();
        var cpu = _cpu.Close(conversation, fanOut, OutputReader.ThreadNamePrefix, ThreadCpuWatch.AllThreads);
        return new WindowActivity(
            new ThreadActivity(commits.GetValueOrDefault(conversation, CommitStats.None), cpu[conversation]),
            new ThreadActivity(commits.GetValueOrDefault(fanOut, CommitStats.None), cpu[fanOut]),
            cpu[OutputReader.ThreadNamePrefix], cpu[ThreadCpuWatch.AllThreads]);
    }

    private static string Describe(WindowActivity a) =>
        $"conversation thread: {Describe(a.Conversation)}; fan-out thread: {Describe(a.FanOut)}; readers CPU {Cores(a.ReadersCpu)}, whole process {Cores(a.ProcessCpu)}";

    private static string Cores(double? cores) => cores is { } c ? $"{c:N2} cores" : "?";

    private static string Describe(ThreadActivity t) =>
        $"CPU {(t.Cpu is { } cpu ? cpu.ToString("P0") : "?")}, {t.Commits.PerSecond:N1} commits/s of {t.Commits.P50Ms:N0} ms (p99 {t.Commits.P99Ms:N0})";

    /// <summary>Plain text of the given length, like a typed message.</summary>
    private static string Body(int length)
    {
        const string text = "Are we still on for the release review at three? I moved the notes into the shared folder. ";
        var body = new StringBuilder(length);
        while (body.Length < length) body.Append(text);
        return body.ToString(0, length);
    }
}
