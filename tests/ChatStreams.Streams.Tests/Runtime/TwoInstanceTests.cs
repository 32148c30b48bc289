using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Tests.Runtime.Support;
using ChatStreams.Streams.Worker;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>Two instances of one application: they split the partitions; when one leaves the other takes over with restored state.</summary>
public sealed class TwoInstanceTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly TestOutputLoggerFactory _loggers = new(output);

    private static HashSet<TaskId> ActiveTasks(KafkaStreams streams) =>
        streams.LocalThreadsMetadata().SelectMany(t => t.ActiveTasks).ToHashSet();

    [Fact]
    public async Task Instances_split_the_tasks_and_the_survivor_continues_the_counts_exactly_once()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var dirs = new TempDirectory();
        await kafka.CreateTopicAsync("events", 6);
        await kafka.CreateTopicAsync("tallies", 6);
        var allTasks = Enumerable.Range(0, 6).Select(p => new TaskId(0, p)).ToHashSet();

        // In-memory stores: whatever the survivor takes over must come from the changelog.
        var a = new KafkaStreams(CountTopology.Build("events", "tallies", persistentStore: false), kafka.Config("tally", dirs.Sub("a")), _loggers);
        await using var b = new KafkaStreams(CountTopology.Build("events", "tallies", persistentStore: false), kafka.Config("tally", dirs.Sub("b")), _loggers);
        await a.StartAsync();
        await b.StartAsync();
        await Eventually.TrueAsync(() => a.State == KafkaStreamsState.Running && b.State == KafkaStreamsState.Running
                                         && ActiveTasks(a).Count > 0 && ActiveTasks(b).Count > 0, Patience, "both instances running with tasks");
        var tasksOfA = ActiveTasks(a);
        var tasksOfB = ActiveTasks(b);
        Assert.Empty(tasksOfA.Intersect(tasksOfB));
        Assert.Equal(allTasks, tasksOfA.Union(tasksOfB).ToHashSet());

        const int keys = 90, half = 4500;
        kafka.Produce("events", Enumerable.Range(0, half).Select(i => ($"k{i % keys}", $"v{i}")));
        Assert.Equal(half, kafka.ReadCommitted("tallies", half, Patience).Count);
        Assert.Equal(tasksOfA, ActiveTasks(a)); // both processed their share: no rebalance in between

        Assert.True(await a.CloseAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(KafkaStreamsState.NotRunning, a.State);
        await Eventually.TrueAsync(() => b.State == KafkaStreamsState.Running && ActiveTasks(b).SetEquals(allTasks), Patience,
            "the survivor running every task");

        kafka.Produce("events", Enumerable.Range(half, half).Select(i => ($"k{i % keys}", $"v{i}")));
        var tallies = kafka.ReadCommitted("tallies", 2 * half, Patience);
        CountOutput.AssertExactlyOnce(tallies, Enumerable.Range(0, keys).ToDictionary(k => $"k{k}", _ => 2 * half / keys));
        Assert.Equal(0, _loggers.Errors);
    }
}
