using ChatStreams.Contracts;
using ChatStreams.Sinks.Search;
using ChatStreams.Sinks.Search.Lucene;
using ChatStreams.Sinks.Tests.Support;
using ChatStreams.TestSupport;
using chatstreams.v1;
using Xunit.Abstractions;

namespace ChatStreams.Sinks.Tests.Search;

/// <summary>
/// `chatstreams sink search` as a child process on the embedded broker, killed with SIGKILL in the middle of indexing
/// a few thousand events (sends, edits, deletions, reactions and joins mixed) and started again on the same Lucene
/// folder: afterwards every surviving message is found exactly once with its latest text, and no deleted message
/// and no replaced text is found at all. The index is read the way an edge reads it, from a reader-only instance.
/// </summary>
public sealed class SearchSinkCrashTests(KafkaFixture kafka, ITestOutputHelper output) : IClassFixture<KafkaFixture>
{
    private const int Conversations = 24;
    private const int EventsPerConversation = 150;
    private const string Everywhere = "crashword"; // in every text, so one search counts the whole index
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_sink_killed_mid_way_and_restarted_indexes_every_message_exactly_once_with_its_latest_text()
    {
        var (events, expected, gone) = Scenario(seed: 8);
        ChatEventsTopic.Produce(kafka, events);
        using var folder = new TempDirectory("search-sink");
        var path = folder.Sub("search");
        var environment = kafka.SinkEnvironment(20, ("Search__LucenePath", path));
        var scopes = Enumerable.Range(0, Conversations).Select(i => SearchScope.Member($"conv-{i}", 1)).ToList();
        using var reader = new LuceneSearchReader(path); // an edge's view: opened before the index exists, never reopened
        async Task<long> IndexedAsync() => (await reader.SearchAsync(new SearchRequest(Everywhere, scopes), default)).TotalHits;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        long atKill;
        using (var first = SinkProcess.Start("search", environment))
        {
            await first.WaitForLineAsync(l => l.StartsWith("sink search running: lucene index at", StringComparison.Ordinal), Deadline);
            await PollAsync(async () => await IndexedAsync() >= expected.Count / 4, first);
            first.Kill();
            atKill = await IndexedAsync();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: killed sink (pid {first.ProcessId}) with {atKill} of {expected.Count} messages indexed");
        }
        Assert.InRange(atKill, expected.Count / 4, expected.Count + gone.Count - 1);

        using var second = SinkProcess.Start("search", environment);
        var group = new SinkOptions().GroupIdPrefix + SearchSinkWriter.SinkName;
        var ends = ChatEventsTopic.EndOffsets(kafka);
        await PollAsync(async () =>
            (await kafka.CommittedAsync(group, Topics.ChatEvents, KafkaFixture.Partitions)).OrderBy(p => p.Key).SequenceEqual(ends.OrderBy(p => p.Key))
            && await IndexedAsync() == expected.Count, second);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: the restarted sink committed chat.events to its end");

        foreach (var ((conversationId, seq), text) in expected)
        {
            var token = text.Split(' ')[0];
            var hits = (await reader.SearchAsync(new SearchRequest(token, scopes), default)).Hits;
            var hit = Assert.Single(hits);
            Assert.Equal((conversationId, seq, text), (hit.ConversationId, hit.Seq, hit.Text));
        }
        foreach (var token in gone)
            Assert.Empty((await reader.SearchAsync(new SearchRequest(token, scopes), default)).Hits);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {expected.Count} messages found once, {gone.Count} replaced or deleted texts not found");
    }

    [Fact]
    public async Task A_second_sink_process_on_the_same_folder_is_refused_with_a_clear_message()
    {
        using var folder = new TempDirectory("search-sink-lock");
        var environment = new Dictionary<string, string>
        {
            ["Kafka__BootstrapServers"] = kafka.BootstrapServers,
            ["SchemaRegistry__Url"] = kafka.RegistryUrl,
            ["Search__LucenePath"] = folder.Sub("search"),
            // A group of its own: a killed member of the crash test's group would hold up its rebalance.
            ["Sinks__GroupIdPrefix"] = "lock-test-",
        };
        using var first = SinkProcess.Start("search", environment);
        await first.WaitForLineAsync(l => l.StartsWith("sink search running", StringComparison.Ordinal), Deadline);

        using var second = SinkProcess.Start("search", environment);
        await second.WaitForLineAsync(l => l.Contains("error: The search index at", StringComparison.Ordinal)
            && l.Contains("is being written by another process", StringComparison.Ordinal), Deadline);
        Assert.DoesNotContain(second.Output, l => l.StartsWith("sink search running", StringComparison.Ordinal));
    }

    /// <summary>
    /// Conversations with sends, edits, deletions, reactions, joins and leaves. Every text starts with a token of
    /// its own; returns the final text of each surviving message and the tokens that must no longer be found
    /// (of deleted messages, and of texts an edit replaced).
    /// </summary>
    private static (List<ChatEvent> Events, Dictionary<(string, long), string> Expected, List<string> Gone) Scenario(int seed)
    {
        var random = new Random(seed);
        string[] users = [.. Enumerable.Range(0, 8).Select(i => $"user-{i}")];
        var expected = new Dictionary<(string, long), string>();
        var gone = new List<string>();
        var streams = new List<List<ChatEvent>>();
        for (var i = 0; i < Conversations; i++)
        {
            var c = new ChatEvents($"conv-{i}");
            var list = new List<ChatEvent>();
            var members = users.OrderBy(_ => random.Next()).Take(3).ToHashSet();
            var owner = members.First();
            list.Add(c.Created(owner, [.. members]));
            var live = new List<long>();
            while (list.Count < EventsPerConversation)
            {
                var by = members.ElementAt(random.Next(members.Count));
                var roll = random.Next(100);
                var key = ($"conv-{i}", 0L);
                if (roll < 50 || live.Count == 0)
                {
                    var text = $"sent{i}x{c.Seq + 1} {Everywhere} from {by}";
                    list.Add(c.Sent(by, text));
                    live.Add(c.Seq);
                    expected[key with { Item2 = c.Seq }] = text;
                }
                else if (roll < 65)
                {
                    var target = live[random.Next(live.Count)];
                    var text = $"edit{i}x{c.Seq + 1} {Everywhere} edited";
                    gone.Add(expected[key with { Item2 = target }].Split(' ')[0]);
                    list.Add(c.Edited(by, target, text));
                    expected[key with { Item2 = target }] = text;
                }
                else if (roll < 72)
                {
                    var target = live[random.Next(live.Count)];
                    gone.Add(expected[key with { Item2 = target }].Split(' ')[0]);
                    list.Add(c.Deleted(by, target));
                    live.Remove(target);
                    expected.Remove(key with { Item2 = target });
                }
                else if (roll < 90) list.Add(c.Reacted(by, live[random.Next(live.Count)], "👍"));
                else if (users.Except(members).FirstOrDefault() is { } joiner) { list.Add(c.Added(owner, joiner)); members.Add(joiner); }
                else list.Add(c.Rejected(by));
            }
            streams.Add(list);
        }
        // Interleave conversations as the sequencer would (each conversation stays in seq order).
        var events = streams.SelectMany(s => s.Select((e, i) => (e, i))).OrderBy(x => x.i).ThenBy(x => x.e.ConversationId, StringComparer.Ordinal)
            .Select(x => x.e).ToList();
        return (events, expected, gone);
    }

    private static async Task PollAsync(Func<Task<bool>> condition, ProgramProcess sink)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"condition not met within {Deadline.TotalSeconds} s; the sink's last lines:\n{string.Join('\n', sink.Output.TakeLast(40))}");
            await Task.Delay(50);
        }
    }
}
