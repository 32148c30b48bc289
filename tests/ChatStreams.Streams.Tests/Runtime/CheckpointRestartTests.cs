using ChatStreams.Streams.Tests.Runtime.Support;
using ChatStreams.Streams.Worker;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>
/// Clean restarts with RocksDB stores: the checkpoint written at close lets the next start skip the restore, and the
/// counts go on where they stopped. Also the at-least-once mode end to end.
/// </summary>
public sealed class CheckpointRestartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TestOutputLoggerFactory _loggers = new(output);

    [Theory]
    [InlineData(ProcessingGuarantee.ExactlyOnceV2)]
    [InlineData(ProcessingGuarantee.AtLeastOnce)]
    public async Task After_a_clean_close_a_restart_restores_nothing_and_continues_the_counts(ProcessingGuarantee guarantee)
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("votes", 3);
        await kafka.CreateTopicAsync("tally", 3);
        const int keys = 30, batch = 1500;
        var config = kafka.Config("poll", state.Path, c =>
        {
            c.ProcessingGuarantee = guarantee;
            c.NumStreamThreads = 2;
        });

        kafka.Produce("votes", Enumerable.Range(0, batch).Select(i => ($"option{i % keys}", "x")));
        await using (var first = new KafkaStreams(CountTopology.Build("votes", "tally", persistentStore: true), config, _loggers))
        {
            using var firstMetrics = new MetricsCapture("poll");
            await first.StartAsync();
            Assert.Equal(batch, kafka.ReadCommitted("tally", batch, Patience).Count);
            Assert.True(await first.CloseAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(0, firstMetrics.Sum("chatstreams.streams.restore.records")); // a fresh application: nothing to restore
        }

        using var metrics = new MetricsCapture("poll");
        await using var second = new KafkaStreams(CountTopology.Build("votes", "tally", persistentStore: true), config, _loggers);
        await second.StartAsync();
        await Eventually.StateAsync(second, KafkaStreamsState.Running, Patience);
        kafka.Produce("votes", Enumerable.Range(batch, batch).Select(i => ($"option{i % keys}", "x")));

        var tally = kafka.ReadCommitted("tally", 2 * batch, Patience);
        CountOutput.AssertExactlyOnce(tally, Enumerable.Range(0, keys).ToDictionary(k => $"option{k}", _ => 2 * batch / keys));
        // The RocksDB stores were checkpointed at close: their changelogs were not read again.
        Assert.Equal(0, metrics.Sum("chatstreams.streams.restore.records"));
        Assert.Equal(0, _loggers.Errors);
    }
}
