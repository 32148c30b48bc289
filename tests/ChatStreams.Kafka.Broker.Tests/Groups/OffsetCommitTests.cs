using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;

namespace ChatStreams.Kafka.Broker.Tests.Groups;

/// <summary>OffsetCommit validation (generation, member, rebalance state, sizes) and OffsetFetch answers.</summary>
public sealed class OffsetCommitTests
{
    private static readonly TopicPartition T0 = new("t", 0), T1 = new("t", 1);

    private static OffsetCommitEntry Entry(TopicPartition tp, long offset, string? metadata = null, int leaderEpoch = -1) =>
        new(tp, offset, leaderEpoch, metadata);

    private static Task<IReadOnlyList<ErrorCode>> Commit(CoordinatorFixture f, int generation, string member, params OffsetCommitEntry[] entries) =>
        f.Coordinator.CommitOffsetsAsync(new OffsetCommitRequest("g", generation, member, null, entries), CancellationToken.None);

    private static FetchedOffset Fetch(CoordinatorFixture f, TopicPartition tp, bool requireStable = false) =>
        f.Coordinator.FetchOffsets("g", [(tp.Topic, [tp.Partition])], requireStable).Single();

    private static async Task<(string Member, int Generation)> StableMember(CoordinatorFixture f)
    {
        var (a, join) = await f.JoinNew("g");
        f.Clock.AdvanceMs(CoordinatorFixture.InitialDelayMs);
        return (a, (await f.Settle("g", join))[a].GenerationId);
    }

    [Fact]
    public async Task A_member_of_the_current_generation_commits_and_fetch_returns_the_offset()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 2);
        var (a, gen) = await StableMember(f);

        Assert.Equal([ErrorCode.None], await Commit(f, gen, a, Entry(T0, 42, "checkpoint", leaderEpoch: 0)));
        var fetched = Fetch(f, T0);
        Assert.Equal((42L, 0, "checkpoint", ErrorCode.None), (fetched.Offset, fetched.LeaderEpoch, fetched.Metadata, fetched.Error));

        var nothing = Fetch(f, T1);
        Assert.Equal((-1L, ErrorCode.None), (nothing.Offset, nothing.Error));
        Assert.Equal(-1L, f.Coordinator.FetchOffsets("other-group", [("t", [0])], false).Single().Offset);

        Assert.Equal([ErrorCode.None], await Commit(f, gen, a, Entry(T0, 50)));
        Assert.Equal((50L, ""), (Fetch(f, T0).Offset, Fetch(f, T0).Metadata)); // null metadata is stored as "", as Kafka does
    }

    [Fact]
    public async Task Commits_from_a_stale_generation_an_unknown_member_or_an_unfinished_rebalance_are_refused()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 1);
        var (a, gen) = await StableMember(f);

        Assert.Equal([ErrorCode.IllegalGeneration], await Commit(f, gen - 1, a, Entry(T0, 1)));
        Assert.Equal([ErrorCode.UnknownMemberId], await Commit(f, gen, "someone-else", Entry(T0, 1)));
        Assert.Equal([ErrorCode.UnknownMemberId], await Commit(f, -1, "", Entry(T0, 1))); // the group has members

        // During PreparingRebalance a member of the current generation may still commit what it processed.
        var (b, joinB) = await f.JoinNew("g");
        Assert.Equal([ErrorCode.None], await Commit(f, gen, a, Entry(T0, 7)));
        // After the join phase the old generation is over, and the new one is not settled until SyncGroup.
        var rejoinA = f.Join("g", a);
        var next = (await rejoinA.WaitAsync(TimeSpan.FromSeconds(5))).GenerationId;
        await joinB;
        Assert.Equal([ErrorCode.IllegalGeneration], await Commit(f, gen, a, Entry(T0, 8)));
        Assert.Equal([ErrorCode.RebalanceInProgress], await Commit(f, next, b, Entry(T0, 8)));
        Assert.Equal(7L, Fetch(f, T0).Offset);
    }

    [Fact]
    public async Task A_consumer_using_assign_commits_with_generation_minus_one_while_the_group_has_no_members()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 1);
        Assert.Equal([ErrorCode.None], await Commit(f, -1, "", Entry(T0, 3)));
        Assert.Equal(3L, Fetch(f, T0).Offset);
        Assert.Equal([ErrorCode.IllegalGeneration], await Commit(f, 4, "", Entry(T0, 4))); // claims a generation of no group

        var (a, _) = await StableMember(f);
        Assert.Equal([ErrorCode.UnknownMemberId], await Commit(f, -1, "", Entry(T0, 5)));
        Assert.Equal(ErrorCode.None, f.Coordinator.Leave("g", a));
        Assert.Equal([ErrorCode.None], await Commit(f, -1, "", Entry(T0, 6)));
        Assert.Equal(6L, Fetch(f, T0).Offset);
        Assert.Contains(f.Coordinator.List(), l => l.GroupId == "g");
    }

    [Fact]
    public async Task Oversized_metadata_and_unknown_partitions_fail_alone_while_the_rest_is_committed()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 1);
        var errors = await Commit(f, -1, "",
            Entry(T0, 10, new string('m', GroupCoordinator.MaxOffsetMetadataLength + 1)),
            Entry(new TopicPartition("missing", 0), 1),
            Entry(new TopicPartition("t", 9), 1));
        Assert.Equal([ErrorCode.OffsetMetadataTooLarge, ErrorCode.UnknownTopicOrPartition, ErrorCode.UnknownTopicOrPartition], errors);
        Assert.Equal(-1L, Fetch(f, T0).Offset);

        var limit = new string('m', GroupCoordinator.MaxOffsetMetadataLength);
        Assert.Equal([ErrorCode.None], await Commit(f, -1, "", Entry(T0, 11, limit)));
        Assert.Equal(limit, Fetch(f, T0).Metadata);
    }

    [Fact]
    public async Task Fetching_without_a_topic_list_returns_every_committed_offset_of_the_group()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 2);
        f.CreateTopic("u", 1);
        Assert.Equal([ErrorCode.None, ErrorCode.None, ErrorCode.None],
            await Commit(f, -1, "", Entry(T1, 5), Entry(new TopicPartition("u", 0), 9), Entry(T0, 4)));

        var all = f.Coordinator.FetchOffsets("g", null, requireStable: false);
        Assert.Equal([("t", 0, 4L), ("t", 1, 5L), ("u", 0, 9L)], all.Select(o => (o.Partition.Topic, o.Partition.Partition, o.Offset)).ToArray());
    }

    [Fact]
    public async Task Offsets_are_records_in_the_compacted_internal_topic()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 1);
        Assert.Null(f.Catalog.Find("__consumer_offsets"));
        await Commit(f, -1, "", Entry(T0, 1));
        var topic = f.Catalog.Find("__consumer_offsets");
        Assert.NotNull(topic);
        Assert.True(topic.LogConfig.Compacts);
        Assert.Equal(Broker.Storage.FlushMode.EveryAppend, topic.LogConfig.FlushPolicy.Mode); // fsync before a commit is answered
        Assert.True(topic.IsInternal);
        Assert.Same(topic.Partitions[0], f.Coordinator.OffsetsPartitionFor("g"));
        Assert.Equal(1, topic.Partitions[0].HighWatermark);
    }
}
