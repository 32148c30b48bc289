using System.Collections.Concurrent;
using System.Diagnostics;
using ChatStreams.Contracts;
using ChatStreams.Kafka.Generations;
using ChatStreams.Streams.Generations;
using ChatStreams.TestSupport;
using ChatStreams.Topologies.Conversation;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ChatStreams.Topologies.Tests.EndToEnd;

/// <summary>
/// chat.commands, chat.events and chat.receipts rescaled together from 12 to 24 partitions while commands flow
/// continuously from many conversations, with all topologies running as two `chatstreams topology all` worker
/// processes on the embedded broker, the commands written the way an edge writes them (following the generation
/// record), and the history (SQLite) and search (Lucene) sinks running. The procedure is interrupted three times
/// (source stage, downstream markers, downstream state migration) and simply run again. Afterwards every
/// conversation's events must be seq 1..N in the planned order across chat.events and chat.events.g2, every member's
/// deliveries exactly once in order (generation 1's fan-out before generation 2's), nothing rejected (state and
/// membership intact across both migrations), resends whose original went to the old generation still deduplicated,
/// and both sinks must hold every message once.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class PartitionRescaleEndToEndTests(ChatRegistry registry, ITestOutputHelper output) : IClassFixture<ChatRegistry>
{
    private const int ConversationPartitions = 12;
    private const int TargetPartitions = 24;
    private const int UserPartitions = 4;
    private const int CommandsPerChunk = 10;
    private static readonly TimeSpan ChunkInterval = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Completion = TimeSpan.FromSeconds(180);

    private readonly Stopwatch _clock = new();
    private readonly List<TopologyWorker> _workers = [];

    [Fact]
    public async Task Rescaling_commands_events_and_receipts_from_12_to_24_while_messages_flow_keeps_every_conversation_in_order_exactly_once()
    {
        try
        {
            await RunAsync();
        }
        catch
        {
            foreach (var worker in _workers) LogWorker(worker, $"{worker.Name}'s last lines", worker.Output.Count - 60);
            throw;
        }
    }

    private async Task RunAsync()
    {
        _clock.Start();
        var scenario = ChatScenario.Build(seed: 20261205, DateTime.UtcNow, extraDirects: 40);
        Log($"scenario: {scenario.Timelines.Count} conversations, {scenario.Commands.Count} commands ({scenario.Resends.Count} resends)");

        await using var kafka = await EmbeddedKafka.StartAsync();
        await kafka.CreateTopicsAsync(TopicSettings());
        using var state = new TempDirectory("rescale-workers");

        await using var watcher = new TopicGenerationWatcher(kafka.Options, "e2e-edge", Topics.ChatCommands, ConversationPartitions);
        await watcher.StartAsync();
        var edge = new ProducerGeneration(watcher, "e2e-edge");
        await edge.StartAsync();
        using var producer = new ChatProducer(kafka, registry.Client, registry.Url, edge);
        // chat.events.g2 is read as soon as the rescale creates it.
        string[] outputTopics = [Topics.ChatEvents, TopicGenerations.TopicName(Topics.ChatEvents, 2), Topics.ChatNotifications, .. ChatScenario.Edges.Select(Topics.Delivery)];
        using var tail = new OutputTail(kafka, registry.Client, registry.Url, outputTopics);

        var sessions = producer.Sessions(scenario.Connects());
        using var first = StartWorker("A", kafka, state.Sub("a"));
        using var second = StartWorker("B", kafka, state.Sub("b"));
        await Task.WhenAll(first.WaitForLineAsync(IsRunning, Startup), second.WaitForLineAsync(IsRunning, Startup));
        await OutputWaits.SessionTableAsync(kafka, sessions, Startup);
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new TestLogProvider(Log)).SetMinimumLevel(LogLevel.Information));
        await using var sinks = await RescaleSinks.StartAsync(kafka, registry.Client, registry.Url, state.Sub("sinks"), loggers);
        Log("workers A and B running, sessions table complete, history and search sinks running");

        // Commands flow continuously; the test remembers where each went and when Kafka acknowledged it.
        var generationOf = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var acknowledgedAt = new ConcurrentDictionary<string, DateTime>(StringComparer.Ordinal);
        var produced = 0;
        var producing = Task.Run(async () =>
        {
            foreach (var chunk in scenario.Commands.Chunk(CommandsPerChunk))
            {
                var generations = producer.Commands(chunk);
                var now = DateTime.UtcNow;
                for (var i = 0; i < chunk.Length; i++)
                {
                    generationOf[chunk[i].CommandId] = generations[i];
                    acknowledgedAt[chunk[i].CommandId] = now;
                }
                Interlocked.Add(ref produced, chunk.Length);
                await Task.Delay(ChunkInterval);
            }
        });
        OutputWaits.Until(tail, () => (Volatile.Read(ref produced) >= scenario.Commands.Count / 4 && tail.Outputs.Deliveries.Count > 0) || producing.IsFaulted,
            Startup, "a quarter of the commands produced and deliveries flowing");

        // The rescale runs while the commands keep coming; it is interrupted in each stage and run again.
        var rescaleStartedAtCommand = Volatile.Read(ref produced);
        Log($"rescale 12 -> 24 starts with {rescaleStartedAtCommand} of {scenario.Commands.Count} commands produced");
        var crashes = new Queue<Func<RescaleProgress, bool>>(
        [
            p => p.Message == "phase Switching recorded",
            p => p.Message == "chat.events: phase CutOver recorded",
            p => p.Message.StartsWith("re-keyed", StringComparison.Ordinal) && p.Message.Contains(ChatStreams.Topologies.FanOut.FanOutTopology.ApplicationId + ".g2", StringComparison.Ordinal),
        ]);
        RescaleResult? result = null;
        var attempts = 0;
        while (result is null)
        {
            attempts++;
            Assert.True(attempts <= 4, "the rescale did not finish after three interruptions");
            var progress = new LoggedProgress(Log, crashes.Count > 0 ? crashes.Dequeue() : null);
            var rescale = Task.Run(() => new PartitionRescale(kafka.Options, new RescaleOptions { DrainTimeout = TimeSpan.FromMinutes(3) })
                .RunAsync(ChatRescalePlan.Create(), TargetPartitions, progress));
            OutputWaits.Until(tail, () => rescale.IsCompleted, Completion, "the rescale to finish");
            try
            {
                result = await rescale;
            }
            catch (SimulatedCrash crash)
            {
                Log($"attempt {attempts}: the procedure crashed at '{crash.Message}'; running it again");
            }
        }
        var producedAtEnd = Volatile.Read(ref produced);
        Log($"rescale done after {attempts} attempts with {producedAtEnd} commands produced: commands held {result.Held.TotalSeconds:0.00} s, " +
            $"events held {result.Downstream?.Held.TotalSeconds:0.00} s more for the fan-out and presence, everything caught up {result.UntilCaughtUp.TotalSeconds:0.00} s after the switch");
        await producing;
        Log($"produced all {scenario.Commands.Count} commands");

        var events = scenario.SequencedBy(scenario.Commands.Count) + scenario.Resends.Count;
        var streams = DeliveryExpectations.EventStreams(scenario.Users, scenario.Timelines).ToList();
        var perEdge = ChatScenario.Edges.ToDictionary(e => e, e => streams.Where(s => s.EdgeId == e).Sum(s => s.Seqs.Count));
        OutputWaits.Until(tail, () => tail.Outputs.Events.Count >= events && perEdge.All(e => tail.Outputs.ChatEventDeliveries(e.Key) >= e.Value),
            Completion, "all output", throwOnTimeout: false);
        OutputWaits.Quiet(tail);

        foreach (var worker in _workers) LogWorker(worker, $"{worker.Name}: generations and cutover", 0, IsAboutGenerations);
        var stopped = await Task.WhenAll(first.TerminateAsync(TimeSpan.FromSeconds(60)), second.TerminateAsync(TimeSpan.FromSeconds(60)));
        using var reader = new OutputTail(kafka, registry.Client, registry.Url, outputTopics);
        reader.ReadToEnd(TimeSpan.FromSeconds(60));
        reader.Outputs.OrderEventsByGeneration();
        Log($"read back: {reader.Outputs.Describe()}");
        var eventsPerGeneration = reader.Outputs.Events.GroupBy(e => e.Topic).ToDictionary(g => g.Key, g => g.Count());
        Log($"events per generation: {string.Join(", ", eventsPerGeneration.Select(g => $"{g.Key} {g.Value}"))}");

        // How long commands of the new generation actually waited: the sequencer's decision time minus the ack time.
        var toNew = generationOf.Where(g => g.Value == 2).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var waits = reader.Outputs.Events.Where(e => toNew.Contains(e.Value.CommandId))
            .Select(e => (e.Value.OccurredAt - acknowledgedAt[e.Value.CommandId]).TotalSeconds).ToList();
        var straddling = scenario.Resends.Count(r => generationOf.GetValueOrDefault(r.Original.CommandId) == 1 && generationOf.GetValueOrDefault(r.Command.CommandId) == 2);
        Log($"{toNew.Count} commands went to chat.commands.g2, {generationOf.Count - toNew.Count} to chat.commands; {straddling} resends of an old-generation original " +
            $"went to the new generation; new-generation commands waited at most {(waits.Count == 0 ? 0 : waits.Max()):0.00} s " +
            $"(median {(waits.Count == 0 ? 0 : waits.Order().ElementAt(waits.Count / 2)):0.00} s) from acknowledgement to the sequencer's decision");

        var audit = new PipelineAudit(scenario, reader.Outputs).Run();
        Assert.True(audit.Problems.Count == 0, "the rescale broke the pipeline's guarantees:\n" + string.Join('\n', audit.Problems));
        Assert.Equal(2, result.Generation);
        Assert.Equal(4, attempts);
        foreach (var topic in new[] { Topics.ChatCommands, Topics.ChatEvents, Topics.ChatReceipts })
            Assert.Equal(TargetPartitions, kafka.Topics()[TopicGenerations.TopicName(topic, 2)]);
        Assert.Equal(2, result.Downstream?.Generation);
        Assert.True(eventsPerGeneration.GetValueOrDefault(Topics.ChatEvents) > 0 && eventsPerGeneration.GetValueOrDefault("chat.events.g2") > 0,
            "events must have been written to both generations of chat.events");
        await AssertSinksHoldEverythingOnceAsync(sinks, audit, reader.Outputs, tail);
        Assert.Empty(result.ProducersThatDidNotReport);
        Assert.True(toNew.Count > 0 && toNew.Count < generationOf.Count, "commands must have gone to both generations (the rescale ran while they flowed)");
        Assert.True(straddling > 0, "no resend straddled the cutover; the scenario did not test dedup across it");
        Assert.Equal(RescalePhase.Stable, watcher.Current.Phase);
        Assert.Equal(2, watcher.Current.Generation);
        Assert.Equal(2, watcher.Current.OutputGenerationOf(2));
        Assert.True(stopped.All(s => s), "a worker did not stop within 60 s of SIGTERM");
        await edge.DisposeAsync();
    }

    /// <summary>
    /// The history store holds every positioned event of every conversation once (seq 1..N), and the search index finds
    /// every message: the search sink keeps a per-conversation applied seq, so reading a generation-2 event before the
    /// conversation's last generation-1 ones would have dropped those.
    /// </summary>
    private async Task AssertSinksHoldEverythingOnceAsync(RescaleSinks sinks, PipelineAudit audit, ChatOutputs outputs, OutputTail tail)
    {
        var expected = audit.Timelines.ToDictionary(t => t.Key, t => t.Value.LastSeq, StringComparer.Ordinal);
        var messages = audit.Timelines.Keys.ToDictionary(c => c, _ => 0L, StringComparer.Ordinal);
        foreach (var e in outputs.Events.Where(e => e.Value.Payload is MessageSent && e.Value.Seq > 0)) messages[e.Key] = messages.GetValueOrDefault(e.Key) + 1;
        Dictionary<string, List<long>> history = [];
        OutputWaits.Until(tail, () =>
        {
            history = sinks.HistorySeqs();
            return expected.All(e => history.GetValueOrDefault(e.Key)?.Count == e.Value) || sinks.Faulted;
        }, Completion, "the history sink to hold every event", throwOnTimeout: false);
        var historyProblems = expected
            .Where(e => !(history.GetValueOrDefault(e.Key) ?? []).SequenceEqual(Enumerable.Range(1, (int)e.Value).Select(i => (long)i)))
            .Select(e => $"{e.Key}: history holds {(history.GetValueOrDefault(e.Key) ?? []).Count} events, expected seq 1..{e.Value}")
            .ToList();
        var searchProblems = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        foreach (var (conversation, count) in messages)
        {
            long hits;
            while ((hits = await sinks.SearchHitsAsync(conversation)) < count && DateTime.UtcNow < deadline) await Task.Delay(200);
            if (hits != count) searchProblems.Add($"{conversation}: search finds {hits} messages, expected {count}");
        }
        Log($"history holds {history.Values.Sum(v => v.Count)} events of {history.Count} conversations; search finds {messages.Values.Sum()} messages");
        Assert.False(sinks.Faulted, "a sink stopped with an error");
        Assert.True(historyProblems.Count == 0, "history:\n" + string.Join('\n', historyProblems.Take(20)));
        Assert.True(searchProblems.Count == 0, "search:\n" + string.Join('\n', searchProblems.Take(20)));
    }

    private static TopicSettings TopicSettings()
    {
        var settings = new TopicSettings();
        foreach (var topic in new[] { settings.Commands, settings.Events, settings.Receipts }) topic.Partitions = ConversationPartitions;
        foreach (var topic in new[] { settings.Sessions, settings.Presence, settings.Notifications, settings.Delivery }) topic.Partitions = UserPartitions;
        return settings;
    }

    private TopologyWorker StartWorker(string name, EmbeddedKafka kafka, string stateDirectory)
    {
        var worker = TopologyWorker.Start(name,
            TopologyWorker.Environment(kafka.BootstrapServers, registry.Url, stateDirectory, ConversationPartitions, UserPartitions));
        _workers.Add(worker);
        return worker;
    }

    private static bool IsRunning(string line) => line.StartsWith("topologies running", StringComparison.Ordinal);

    private static bool IsAboutGenerations(string line) =>
        line.Contains("generation", StringComparison.OrdinalIgnoreCase) || line.Contains("cutover", StringComparison.Ordinal) ||
        line.Contains("fail:", StringComparison.Ordinal) || line.Contains("crit:", StringComparison.Ordinal);

    private void LogWorker(TopologyWorker worker, string title, int from)
    {
        var lines = worker.Output.Skip(Math.Max(0, from)).ToList();
        Log($"--- {title}: {lines.Count} lines");
        foreach (var line in lines.Take(80)) output.WriteLine("    " + line);
    }

    private void LogWorker(TopologyWorker worker, string title, int from, Func<string, bool> filter)
    {
        var lines = worker.Output.Skip(Math.Max(0, from)).Where(filter).ToList();
        Log($"--- {title}: {lines.Count} lines");
        foreach (var line in lines.Take(60)) output.WriteLine("    " + line);
    }

    private void Log(string message) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {message}");

    private sealed class SimulatedCrash(string message) : Exception(message);

    /// <summary>Logs the procedure's progress; throws (a "crash" of chatctl) at the first line <paramref name="crashAt"/> picks.</summary>
    private sealed class LoggedProgress(Action<string> log, Func<RescaleProgress, bool>? crashAt) : IProgress<RescaleProgress>
    {
        public void Report(RescaleProgress value)
        {
            log($"rescale: {value.Phase}: {value.Message}");
            if (crashAt?.Invoke(value) == true) throw new SimulatedCrash(value.Message);
        }
    }

    /// <summary>The in-process sinks' logs: warnings, and what they say about generations (holds and releases).</summary>
    private sealed class TestLogProvider(Action<string> log) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new TestLog(categoryName, log);
        public void Dispose() { }

        private sealed class TestLog(string category, Action<string> log) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var message = formatter(state, exception);
                if (logLevel >= LogLevel.Warning || message.Contains("generation", StringComparison.OrdinalIgnoreCase))
                    log($"{category} {logLevel}: {message}{(exception is null ? "" : " " + exception.Message)}");
            }
        }
    }
}
