using ChatStreams.Streams.Tests.Runtime.Support;
using ChatStreams.Streams.Worker;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>The count topology run in-process by KafkaStreams on the embedded broker.</summary>
public sealed class CountApplicationTests(ITestOutputHelper output)
{
    private readonly TestOutputLoggerFactory _loggers = new(output);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static Dictionary<string, int> ProduceCounts(EmbeddedKafka kafka, string topic, int records, int keys, int offset = 0)
    {
        kafka.Produce(topic, Enumerable.Range(offset, records).Select(i => ($"k{i % keys}", $"v{i}")));
        return Enumerable.Range(0, keys).ToDictionary(k => $"k{k}", k => Enumerable.Range(offset, records).Count(i => i % keys == k));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Exactly_once_count_emits_every_count_once_and_the_changelog_holds_the_final_counts(bool persistent)
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("words", 4);
        await kafka.CreateTopicAsync("counts-out", 4);
        var expected = ProduceCounts(kafka, "words", 3000, 60);

        await using var streams = new KafkaStreams(CountTopology.Build("words", "counts-out", persistent),
            kafka.Config("count-app", state.Path, c => c.NumStreamThreads = 2), _loggers);
        await streams.StartAsync();
        await Eventually.StateAsync(streams, KafkaStreamsState.Running, Patience);

        var output = kafka.ReadCommitted("counts-out", 3000, Patience);
        CountOutput.AssertExactlyOnce(output, expected);
        Assert.True(await streams.CloseAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(KafkaStreamsState.NotRunning, streams.State);

        var changelog = kafka.ReadToEnd("count-app-counts-changelog");
        Assert.Equal(expected.ToDictionary(e => e.Key, e => (long)e.Value), CountOutput.ChangelogState(changelog));
        Assert.Equal(0, _loggers.Errors);
    }
}
