using ChatStreams.TestSupport;
using System.Diagnostics;
using System.Globalization;
using ChatStreams.Contracts;
using ChatStreams.Topologies.Conversation;
using ChatStreams.Topologies.FanOut;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;
using Xunit.Abstractions;

namespace ChatStreams.Topologies.Tests.EndToEnd;

/// <summary>The end-to-end tests start broker, registry and worker processes of their own; they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "end to end";
}

/// <summary>
/// All chat topologies (conversation, fan-out, presence) as two `chatstreams topology all` worker processes on the
/// embedded broker, fed like edges feed them (sessions, then commands with resends), with one worker killed with
/// SIGKILL in the middle of processing and restarted on its state directory. Whatever the crash did, every member's
/// delivery stream per conversation must be exactly seq 1..N from their join on: nothing missing, nothing twice.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AllTopologiesEndToEndTests(ChatRegistry registry, ITestOutputHelper output) : IClassFixture<ChatRegistry>
{
    private const int Partitions = 4;
    private const int CommandsPerChunk = 25;
    private static readonly TimeSpan ChunkInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Completion = TimeSpan.FromSeconds(150);

    private readonly Stopwatch _clock = new();
    private readonly List<TopologyWorker> _workers = [];

    [Fact]
    public async Task Every_member_receives_each_stream_exactly_once_in_order_although_a_worker_is_killed_and_restarted()
    {
        try
        {
            await RunAsync();
        }
        catch
        {
            // The workers are gone by now (killed on dispose), but what they said before tells why it failed.
            foreach (var worker in _workers) LogWorker(worker, $"{worker.Name}'s last lines", worker.Output.Count - 40, _ => true);
            throw;
        }
    }

    private async Task RunAsync()
    {
        _clock.Start();
        var scenario = ChatScenario.Build(seed: 20240611, DateTime.UtcNow);
        var half = scenario.Commands.Count / 2;
        Log($"scenario: {scenario.Users.Count} users, {scenario.Timelines.Count} conversations, {scenario.Commands.Count} commands " +
            $"({scenario.SendCommands} SendMessage, {scenario.Resends.Count} of them resends), {scenario.SequencedBy(scenario.Commands.Count)} events to sequence");

        await using var kafka = await EmbeddedKafka.StartAsync();
        await kafka.CreateTopicsAsync(TopicSettings());
        using var state = new TempDirectory("e2e-workers");
        using var producer = new ChatProducer(kafka, registry.Client, registry.Url);
        string[] outputTopics = [Topics.ChatEvents, Topics.ChatNotifications, .. ChatScenario.Edges.Select(Topics.Delivery)];
        using var tail = new OutputTail(kafka, registry.Client, registry.Url, outputTopics);

        // Edges report their connections before their users send anything.
        var sessions = producer.Sessions(scenario.Connects());
        using var first = StartWorker("A", kafka, state.Sub("a"));
        using var second = StartWorker("B", kafka, state.Sub("b"));
        await Task.WhenAll(first.WaitForLineAsync(IsRunning, Startup), second.WaitForLineAsync(IsRunning, Startup));
        Log($"workers A (pid {first.ProcessId}) and B (pid {second.ProcessId}) running");
        await OutputWaits.SessionTableAsync(kafka, sessions, Startup);
        Log("the fan-out's sessions table has every connection");

        // The commands arrive as a steady stream, as from many clients at once. Once half of them are in and output
        // flows, A dies with SIGKILL in the middle of processing; the rest keeps coming while A is down.
        var produced = 0;
        var producing = Task.Run(async () =>
        {
            foreach (var chunk in scenario.Commands.Chunk(CommandsPerChunk))
            {
                producer.Commands(chunk);
                Interlocked.Add(ref produced, chunk.Length);
                await Task.Delay(ChunkInterval);
            }
        });
        OutputWaits.Until(tail, () => (Volatile.Read(ref produced) >= half && Sequenced(tail.Outputs) > 0 && tail.Outputs.Deliveries.Count > 0) || producing.IsFaulted,
            Startup, "half of the commands produced and output flowing");
        var committedAtKill = await kafka.CommittedAsync(ConversationTopology.ApplicationId, Topics.ChatCommands);
        var producedAtKill = Volatile.Read(ref produced);
        first.Kill();
        Log($"killed A (SIGKILL) with {producedAtKill} of {scenario.Commands.Count} commands produced, {committedAtKill.Values.Sum()} of them committed by the " +
            $"conversation topology; output visible so far: {tail.Outputs.Describe()}");
        LogWorker(first, "A's last lines before the kill", first.Output.Count - 12, _ => true);

        // B takes over A's partitions once A's session times out.
        var takeoverMark = second.LineCount;
        await producing;
        Log($"produced all {scenario.Commands.Count} commands");
        await second.WaitForLineAsync(IsAssignment, TimeSpan.FromSeconds(45), since: takeoverMark);
        Log("B was assigned partitions after A's death");

        // A comes back on its state directory: same transactional ids, so its open transaction is aborted at once.
        using var restarted = StartWorker("A'", kafka, state.Sub("a"));
        await restarted.WaitForLineAsync(IsRunning, Startup);
        Log($"restarted A on its state directory (pid {restarted.ProcessId})");

        // Everything is processed once all that the commands call for is visible (and then nothing more arrives).
        var events = scenario.SequencedBy(scenario.Commands.Count) + scenario.Resends.Count;
        var streams = DeliveryExpectations.EventStreams(scenario.Users, scenario.Timelines).ToList();
        var perEdge = ChatScenario.Edges.ToDictionary(e => e, e => streams.Where(s => s.EdgeId == e).Sum(s => s.Seqs.Count));
        var notifications = DeliveryExpectations.Notifications(scenario.Users, scenario.Timelines).Count();
        var complete = OutputWaits.Until(tail, () =>
            tail.Outputs.Events.Count >= events && tail.Outputs.Notifications.Count >= notifications && tail.Outputs.Outcomes >= scenario.Resends.Count &&
            perEdge.All(e => tail.Outputs.ChatEventDeliveries(e.Key) >= e.Value), Completion, "all output", throwOnTimeout: false);
        Log($"{(complete ? "all expected output visible" : "gave up waiting")}: {tail.Outputs.Describe()}; expected {events} chat events, " +
            $"{string.Join(", ", perEdge.Select(e => $"{e.Value} event deliveries at {e.Key}"))}, {scenario.Resends.Count} outcomes, {notifications} notifications");
        OutputWaits.Quiet(tail);

        // B's output from the kill on: its takeover of A's partitions, then the rebalance when A' rejoins.
        LogWorker(second, "B from A's death on (takeover, then A' rejoining)", takeoverMark, IsNoteworthy);
        LogWorker(restarted, "A' (restarted on A's state directory)", 0, IsNoteworthy);

        // Clean stop (SIGTERM) of both, then read everything committed from scratch and audit it.
        var stopped = await Task.WhenAll(restarted.TerminateAsync(TimeSpan.FromSeconds(60)), second.TerminateAsync(TimeSpan.FromSeconds(60)));
        Log($"SIGTERM: A' exited {restarted.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "not"}, B exited {second.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "not"}");
        using var reader = new OutputTail(kafka, registry.Client, registry.Url, outputTopics);
        reader.ReadToEnd(TimeSpan.FromSeconds(60));
        Log($"read back: {reader.Outputs.Describe()}");

        var audit = new PipelineAudit(scenario, reader.Outputs).Run();
        Log($"audit: {audit.Problems.Count} problem lines; total {_clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Empty(reader.Missing);
        Assert.True(audit.Problems.Count == 0, "the pipeline broke its guarantees:\n" + string.Join('\n', audit.Problems));
        Assert.True(stopped.All(s => s), "a worker did not stop within 60 s of SIGTERM");
        Assert.Equal(0, restarted.ExitCode);
        Assert.Equal(0, second.ExitCode);
    }

    /// <summary>Four partitions per topic: conversation-keyed topics alike, user-keyed topics alike (they are joined).</summary>
    private static TopicSettings TopicSettings()
    {
        var settings = new TopicSettings();
        foreach (var topic in new[] { settings.Commands, settings.Events, settings.Receipts, settings.Sessions, settings.Presence, settings.Notifications, settings.Delivery })
            topic.Partitions = Partitions;
        return settings;
    }

    private TopologyWorker StartWorker(string name, EmbeddedKafka kafka, string stateDirectory)
    {
        var worker = TopologyWorker.Start(name, TopologyWorker.Environment(kafka.BootstrapServers, registry.Url, stateDirectory, Partitions, Partitions));
        _workers.Add(worker);
        return worker;
    }

    private static int Sequenced(ChatOutputs outputs) => outputs.Events.Count(e => e.Value.Payload is not (CommandDeduplicated or CommandRejected));

    private static bool IsRunning(string line) => line.StartsWith("topologies running", StringComparison.Ordinal);

    private static bool IsAssignment(string line) => line.Contains(" assigned ", StringComparison.Ordinal);

    /// <summary>What a worker says about rebalances, restores and recovery, and anything at warning level or above.</summary>
    private static readonly string[] NoteworthyPhrases =
    [
        "topologies running", " assigned ", "wiped", "restored", "pending transaction", "lost its partitions", "closed dirty", "fenced",
        "warn:", "fail:", "crit:", "stderr:",
    ];

    // librdkafka's warning that a consumer setting does not apply to producers is expected (Kafka:Extra applies to all clients).
    private static bool IsNoteworthy(string line) =>
        !line.Contains("CONFWARN", StringComparison.Ordinal) && NoteworthyPhrases.Any(p => line.Contains(p, StringComparison.Ordinal));

    private void LogWorker(TopologyWorker worker, string title, int from, Func<string, bool> filter)
    {
        var lines = worker.Output.Skip(Math.Max(0, from)).Where(filter).ToList();
        Log($"--- {title}: {lines.Count} lines");
        foreach (var line in lines.Take(80)) output.WriteLine("    " + line);
        if (lines.Count > 80) output.WriteLine($"    … {lines.Count - 80} more");
    }

    private void Log(string message) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {message}");
}
