using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Tests.Runtime.Support;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>What KafkaStreams.StartAsync does to the cluster and what it refuses.</summary>
public sealed class StartupTests(ITestOutputHelper output)
{
    private readonly TestOutputLoggerFactory _loggers = new(output);

    [Fact]
    public async Task Start_creates_compacted_changelogs_repartition_and_dead_letter_topics()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("input", 5);
        await kafka.CreateTopicAsync("out", 3);

        await using var streams = new KafkaStreams(TestTopologies.WithRepartition("input", 2), kafka.Config("shop", state.Path), _loggers);
        await streams.StartAsync();

        var topics = kafka.Topics();
        Assert.Equal(2, topics["shop-rekeyed"]);
        Assert.Equal(2, topics["shop-last-changelog"]);
        Assert.Equal(5, topics["shop-dlq"]);
        Assert.Equal("compact", (await kafka.TopicConfigsAsync("shop-last-changelog"))["cleanup.policy"]);
        await Eventually.StateAsync(streams, KafkaStreamsState.Running, TimeSpan.FromSeconds(60));

        // Two sub-topologies: 5 tasks for the input, 2 for the repartition topic.
        var tasks = streams.LocalThreadsMetadata().SelectMany(t => t.ActiveTasks).ToList();
        Assert.Equal(5, tasks.Count(t => t.Subtopology == 0));
        Assert.Equal(2, tasks.Count(t => t.Subtopology == 1));
    }

    [Fact]
    public async Task Start_refuses_inputs_that_are_not_co_partitioned_and_goes_to_error()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("orders", 4);
        await kafka.CreateTopicAsync("payments", 6);
        var streams = new KafkaStreams(TestTopologies.Reading("orders", "payments"), kafka.Config("join", state.Path), _loggers);
        var states = new List<KafkaStreamsState>();
        streams.StateChanged += (_, c) => states.Add(c.NewState);

        var error = await Assert.ThrowsAsync<CopartitioningException>(() => streams.StartAsync());

        Assert.Contains("orders has 4", error.Message);
        Assert.Equal(KafkaStreamsState.Error, streams.State);
        Assert.Same(error, streams.FatalError);
        Assert.Equal([KafkaStreamsState.Rebalancing, KafkaStreamsState.Error], states);
        Assert.DoesNotContain("join-last-changelog", kafka.Topics().Keys);
        await Assert.ThrowsAsync<InvalidOperationException>(() => streams.StartAsync());
    }

    [Fact]
    public async Task Start_names_a_missing_source_topic()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        var streams = new KafkaStreams(TestTopologies.Reading("nowhere"), kafka.Config("lost", state.Path), _loggers);

        var error = await Assert.ThrowsAsync<MissingSourceTopicException>(() => streams.StartAsync());
        Assert.Contains("nowhere", error.Message);
    }

    [Fact]
    public async Task Two_instances_cannot_share_one_state_directory()
    {
        await using var kafka = await EmbeddedKafka.StartAsync();
        using var state = new TempDirectory();
        await kafka.CreateTopicAsync("input", 1);
        await using var first = new KafkaStreams(TestTopologies.Reading("input"), kafka.Config("solo", state.Path), _loggers);
        await first.StartAsync();
        var second = new KafkaStreams(TestTopologies.Reading("input"), kafka.Config("solo", state.Path), _loggers);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => second.StartAsync());
        Assert.Contains("in use by another instance", error.Message);
    }

    [Fact]
    public async Task An_invalid_configuration_is_refused_before_anything_starts()
    {
        var streams = new KafkaStreams(TestTopologies.Reading("input"), new StreamsConfig { ApplicationId = "", NumStreamThreads = 0 });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => streams.StartAsync());
        Assert.Contains("ApplicationId is required", error.Message);
        Assert.Contains("NumStreamThreads", error.Message);
        Assert.Equal(KafkaStreamsState.Created, streams.State);
    }
}
