using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Records;

namespace ChatStreams.Kafka.Broker.Tests.Groups;

/// <summary>Offsets are durable: a restart replays <c>__consumer_offsets</c>, transaction markers included.</summary>
public sealed class OffsetReplayTests
{
    private static readonly TopicPartition T0 = new("t", 0), T1 = new("t", 1), T2 = new("t", 2);

    private static Task<IReadOnlyList<ErrorCode>> Commit(CoordinatorFixture f, string group, params (TopicPartition Tp, long Offset)[] offsets) =>
        f.Coordinator.CommitOffsetsAsync(new OffsetCommitRequest(group, -1, "", null,
            offsets.Select(o => new OffsetCommitEntry(o.Tp, o.Offset, 1, $"m{o.Offset}")).ToList()), CancellationToken.None);

    private static Task<IReadOnlyList<ErrorCode>> TxnCommit(CoordinatorFixture f, long producerId, TopicPartition tp, long offset) =>
        f.Coordinator.CommitTransactionalOffsetsAsync(new TxnOffsetCommitRequest("txn", "g", producerId, 0, -1, "", null,
            [new OffsetCommitEntry(tp, offset, -1, null)]), CancellationToken.None);

    private static FetchedOffset Fetch(CoordinatorFixture f, string group, TopicPartition tp, bool requireStable = false) =>
        f.Coordinator.FetchOffsets(group, [(tp.Topic, [tp.Partition])], requireStable).Single();

    [Fact]
    public async Task Committed_offsets_survive_a_restart_with_the_latest_value_per_partition()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 3);
        await Commit(f, "g", (T0, 1), (T1, 2));
        await Commit(f, "g", (T0, 5));
        await Commit(f, "other", (T0, 9));

        f.Reopen();

        var t0 = Fetch(f, "g", T0);
        Assert.Equal((5L, 1, "m5"), (t0.Offset, t0.LeaderEpoch, t0.Metadata));
        Assert.Equal(2L, Fetch(f, "g", T1).Offset);
        Assert.Equal(-1L, Fetch(f, "g", T2).Offset);
        Assert.Equal(9L, Fetch(f, "other", T0).Offset);
        Assert.Equal(["g", "other"], f.Coordinator.List().Select(l => l.GroupId).ToArray());
        Assert.Equal(GroupState.Empty, f.Coordinator.Describe("g").State);
    }

    [Fact]
    public async Task Replay_applies_commit_markers_drops_aborted_offsets_and_keeps_open_ones_pending()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 3);
        await Commit(f, "g", (T0, 1), (T1, 1), (T2, 1));
        Assert.Equal([ErrorCode.None], await TxnCommit(f, 100, T0, 10));
        Assert.Equal([ErrorCode.None], await TxnCommit(f, 200, T1, 20));
        Assert.Equal([ErrorCode.None], await TxnCommit(f, 300, T2, 30));
        TransactionalOffsetTests.EndTransaction(f, 100, commit: true);
        TransactionalOffsetTests.EndTransaction(f, 200, commit: false);
        // producer 300's transaction is still open when the broker stops

        f.Reopen();

        Assert.Equal(10L, Fetch(f, "g", T0, requireStable: true).Offset);
        Assert.Equal(1L, Fetch(f, "g", T1, requireStable: true).Offset);
        Assert.Equal(1L, Fetch(f, "g", T2).Offset);
        Assert.Equal(ErrorCode.UnstableOffsetCommit, Fetch(f, "g", T2, requireStable: true).Error);

        f.Coordinator.OffsetsPartitionFor("g").WriteMarker(300, 0, commit: true, coordinatorEpoch: 0);
        f.Coordinator.CompleteTransaction(300, commit: true);
        Assert.Equal(30L, Fetch(f, "g", T2, requireStable: true).Offset);
    }

    [Fact]
    public async Task A_tombstone_in_the_log_removes_the_offset_on_replay()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 1);
        await Commit(f, "g", (T0, 4));
        using (var builder = new RecordBatchBuilder())
        {
            builder.Add(OffsetRecordCodec.EncodeKey("g", T0), null, 0);
            f.Coordinator.OffsetsPartitionFor("g").AppendInternal(builder.Build(), -1, transactional: false);
        }

        f.Reopen();

        Assert.Equal(-1L, Fetch(f, "g", T0).Offset);
    }

    [Fact]
    public async Task An_undecodable_record_is_skipped_without_losing_the_others()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 2);
        await Commit(f, "g", (T0, 4));
        using (var builder = new RecordBatchBuilder())
        {
            builder.Add(OffsetRecordCodec.EncodeKey("g", T1), [0, 99, 1, 2], 0); // value version 99
            f.Coordinator.OffsetsPartitionFor("g").AppendInternal(builder.Build(), -1, transactional: false);
        }
        await Commit(f, "g", (T1, 6));

        f.Reopen();

        Assert.Equal(4L, Fetch(f, "g", T0).Offset);
        Assert.Equal(6L, Fetch(f, "g", T1).Offset);
    }
}
