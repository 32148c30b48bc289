using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Tests.Runtime.Support;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>How a topology maps onto the cluster's topics (no broker needed).</summary>
public sealed class TopicLayoutTests
{
    private static StreamsConfig Config(DeserializationErrorPolicy policy = DeserializationErrorPolicy.DeadLetter) =>
        new() { ApplicationId = "app", DeserializationErrors = policy };

    [Fact]
    public void Changelogs_get_the_partition_count_of_their_sub_topology_and_are_compacted()
    {
        var layout = TopicLayout.Plan(TestTopologies.Reading("a", "b"), Config(), new Dictionary<string, int> { ["a"] = 6, ["b"] = 6 });

        var sub = Assert.Single(layout.Subtopologies);
        Assert.Equal(6, sub.Partitions);
        Assert.Equal(["a", "b"], sub.SourceTopics);
        var changelog = Assert.Single(layout.InternalTopics, t => t.Name == "app-last-changelog");
        Assert.Equal(6, changelog.Partitions);
        Assert.Equal("compact", changelog.Configs["cleanup.policy"]);
        Assert.Equal(6, Assert.Single(layout.InternalTopics, t => t.Name == "app-dlq").Partitions);
    }

    [Fact]
    public void Topics_read_together_with_different_partition_counts_are_refused_with_both_counts()
    {
        var error = Assert.Throws<CopartitioningException>(() =>
            TopicLayout.Plan(TestTopologies.Reading("a", "b"), Config(), new Dictionary<string, int> { ["a"] = 4, ["b"] = 6 }));

        Assert.Equal(0, error.Subtopology);
        Assert.Contains("a has 4", error.Message);
        Assert.Contains("b has 6", error.Message);
    }

    [Fact]
    public void A_missing_source_topic_is_named_in_the_error()
    {
        var error = Assert.Throws<MissingSourceTopicException>(() =>
            TopicLayout.Plan(TestTopologies.Reading("a", "b"), Config(), new Dictionary<string, int> { ["a"] = 4 }));
        Assert.Equal(["b"], error.Topics);
    }

    [Fact]
    public void A_repartition_topic_takes_the_declared_count_or_that_of_the_topics_feeding_it()
    {
        var existing = new Dictionary<string, int> { ["input"] = 5 };

        var derived = TopicLayout.Plan(TestTopologies.WithRepartition("input", null), Config(), existing);
        Assert.Equal(5, Assert.Single(derived.InternalTopics, t => t.Name == "app-rekeyed").Partitions);
        Assert.Equal(5, Assert.Single(derived.InternalTopics, t => t.Name == "app-last-changelog").Partitions);
        Assert.Equal(["app-rekeyed"], derived.Subtopologies[1].SourceTopics);

        var declared = TopicLayout.Plan(TestTopologies.WithRepartition("input", 3), Config(), existing);
        Assert.Equal(3, Assert.Single(declared.InternalTopics, t => t.Name == "app-rekeyed").Partitions);
        // The changelog follows the sub-topology that owns the store: the one reading the repartition topic.
        Assert.Equal(3, Assert.Single(declared.InternalTopics, t => t.Name == "app-last-changelog").Partitions);
    }

    [Fact]
    public void An_existing_changelog_with_another_partition_count_is_refused()
    {
        var error = Assert.Throws<InternalTopicMismatchException>(() => TopicLayout.Plan(TestTopologies.Reading("a"), Config(),
            new Dictionary<string, int> { ["a"] = 4, ["app-last-changelog"] = 2 }));
        Assert.Equal("app-last-changelog", error.Topic);
        Assert.Contains("has 2 partitions but needs 4", error.Message);
    }

    [Fact]
    public void No_dead_letter_topic_when_unreadable_records_stop_the_application()
    {
        var layout = TopicLayout.Plan(TestTopologies.Reading("a"), Config(DeserializationErrorPolicy.Fail), new Dictionary<string, int> { ["a"] = 1 });
        Assert.DoesNotContain(layout.InternalTopics, t => t.Name == "app-dlq");
    }
}
