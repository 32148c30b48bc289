using ChatStreams.Streams.Tests.Runtime.Support;
using ChatStreams.Streams.Worker;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>
/// Under exactly-once a task's outputs are visible only after its commit. A thread that has processed everything it
/// fetched commits after Streams:IdleCommitIntervalMs instead of waiting out Streams:CommitIntervalMs; -1 turns that off.
/// </summary>
public sealed class IdleCommitTests(ITestOutputHelper output)
{
    private readonly TestOutputLoggerFactory _loggers = new(output);
    // Far longer than any wait below: an output seen before it was committed by the idle commit, not the interval.
    private const int LongCommitIntervalMs = 600_000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_idle_thread_commits_each_burst_without_waiting_for_the_commit_interval()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await using var streams = await StartCountingAsync(kafka, state, idleCommitIntervalMs: 0);

        // Two bursts: each is committed on its own, so the second does not ride on a commit of the first.
        for (var burst = 1; burst <= 2; burst++)
        {
            kafka.Produce("words", Enumerable.Range(0, 50).Select(i => ($"k{i % 5}", $"b{burst}-{i}")));
            var counts = kafka.ReadCommitted("counts-out", 50 * burst, Patience);
            Assert.Equal(50 * burst, counts.Count);
        }
        Assert.Equal(0, _loggers.Errors);
    }

    [Fact]
    public async Task Without_the_idle_commit_outputs_wait_for_the_commit_interval()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await using var streams = await StartCountingAsync(kafka, state, idleCommitIntervalMs: -1);

        kafka.Produce("words", Enumerable.Range(0, 50).Select(i => ($"k{i % 5}", $"v{i}")));
        // The records are processed at once (the changelog-less count has nothing to restore) but stay uncommitted.
        Assert.Empty(kafka.ReadCommitted("counts-out", 50, TimeSpan.FromSeconds(5)));
        // A clean close commits them.
        Assert.True(await streams.CloseAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(50, kafka.ReadCommitted("counts-out", 50, Patience).Count);
    }

    /// <summary>The count application (words → counts-out, exactly-once) with a commit interval no test outlasts.</summary>
    private async Task<KafkaStreams> StartCountingAsync(EmbeddedKafka kafka, TempDirectory state, int idleCommitIntervalMs)
    {
        await kafka.CreateTopicAsync("words", 2);
        await kafka.CreateTopicAsync("counts-out", 2);
        var streams = new KafkaStreams(CountTopology.Build("words", "counts-out", false),
            kafka.Config("count-app", state.Path, c =>
            {
                c.CommitIntervalMs = LongCommitIntervalMs;
                c.IdleCommitIntervalMs = idleCommitIntervalMs;
            }), _loggers);
        await streams.StartAsync();
        await Eventually.StateAsync(streams, KafkaStreamsState.Running, Patience);
        return streams;
    }
}
