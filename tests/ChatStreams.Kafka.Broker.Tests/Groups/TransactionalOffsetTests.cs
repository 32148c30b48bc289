using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Protocol;

namespace ChatStreams.Kafka.Broker.Tests.Groups;

/// <summary>TxnOffsetCommit (KIP-447): offsets held pending until the producer's transaction commits or aborts.</summary>
public sealed class TransactionalOffsetTests
{
    private static readonly TopicPartition T0 = new("t", 0);
    private const long ProducerId = 1000;
    private const short Epoch = 3;

    private static Task<IReadOnlyList<ErrorCode>> TxnCommit(CoordinatorFixture f, long offset, int generation = -1, string member = "",
        string? instance = null, long producerId = ProducerId) =>
        f.Coordinator.CommitTransactionalOffsetsAsync(new TxnOffsetCommitRequest("txn", "g", producerId, Epoch, generation, member, instance,
            [new OffsetCommitEntry(T0, offset, -1, "in-txn")]), CancellationToken.None);

    private static FetchedOffset Fetch(CoordinatorFixture f, bool requireStable) =>
        f.Coordinator.FetchOffsets("g", [("t", [0])], requireStable).Single();

    /// <summary>What the transaction coordinator does at EndTxn: marker into the offsets partition, then release.</summary>
    internal static void EndTransaction(CoordinatorFixture f, long producerId, bool commit)
    {
        f.Coordinator.OffsetsPartitionFor("g").WriteMarker(producerId, Epoch, commit, coordinatorEpoch: 0);
        f.Coordinator.CompleteTransaction(producerId, commit);
    }

    [Fact]
    public async Task Transactional_offsets_stay_invisible_until_the_transaction_commits()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 1);
        await f.Coordinator.CommitOffsetsAsync(new OffsetCommitRequest("g", -1, "", null, [new OffsetCommitEntry(T0, 5, -1, null)]), CancellationToken.None);

        Assert.Equal([ErrorCode.None], await TxnCommit(f, 10));
        Assert.Equal(5L, Fetch(f, requireStable: false).Offset);
        var unstable = Fetch(f, requireStable: true);
        Assert.Equal((-1L, ErrorCode.UnstableOffsetCommit), (unstable.Offset, unstable.Error));
        Assert.Equal(ErrorCode.UnstableOffsetCommit, f.Coordinator.FetchOffsets("g", null, requireStable: true).Single().Error);

        EndTransaction(f, ProducerId, commit: true);
        var committed = Fetch(f, requireStable: true);
        Assert.Equal((10L, "in-txn", ErrorCode.None), (committed.Offset, committed.Metadata, committed.Error));
    }

    [Fact]
    public async Task Aborted_transactional_offsets_are_dropped()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 1);
        Assert.Equal([ErrorCode.None], await TxnCommit(f, 10));
        EndTransaction(f, ProducerId, commit: false);
        Assert.Equal((-1L, ErrorCode.None), (Fetch(f, true).Offset, Fetch(f, true).Error));
    }

    [Fact]
    public async Task The_transaction_coordinators_verdict_is_returned_and_nothing_is_written()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 1);
        var seen = new List<(string, long, short, string)>();
        f.Coordinator.TransactionValidator = (id, pid, epoch, group) =>
        {
            seen.Add((id, pid, epoch, group));
            return ErrorCode.InvalidProducerEpoch;
        };
        Assert.Equal([ErrorCode.InvalidProducerEpoch], await TxnCommit(f, 10));
        Assert.Equal([("txn", ProducerId, Epoch, "g")], seen);
        Assert.Null(f.Catalog.Find("__consumer_offsets"));
        Assert.Equal(ErrorCode.None, Fetch(f, requireStable: true).Error);
    }

    [Fact]
    public async Task A_zombie_from_an_older_generation_is_fenced_KIP_447()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 1);
        var (a, joinA) = await f.JoinNew("g");
        f.Clock.AdvanceMs(CoordinatorFixture.InitialDelayMs);
        var gen = (await f.Settle("g", joinA))[a].GenerationId;

        Assert.Equal([ErrorCode.None], await TxnCommit(f, 10, gen, a));
        Assert.Equal([ErrorCode.IllegalGeneration], await TxnCommit(f, 11, gen - 1, a));
        Assert.Equal([ErrorCode.UnknownMemberId], await TxnCommit(f, 11, gen, "old-member"));
        // A member in the middle of a rebalance may still finish its transaction (generation is the fence).
        var (_, joinB) = await f.JoinNew("g");
        Assert.Equal([ErrorCode.None], await TxnCommit(f, 12, gen, a));
        Assert.False(joinB.IsCompleted);
        // Old clients (v0-v2) send no membership at all.
        Assert.Equal([ErrorCode.None], await TxnCommit(f, 13));
    }

    [Fact]
    public async Task Pending_offsets_of_different_producers_are_released_independently()
    {
        using var f = new CoordinatorFixture();
        f.CreateTopic("t", 2);
        Assert.Equal([ErrorCode.None], await TxnCommit(f, 10, producerId: 1));
        Assert.Equal([ErrorCode.None], await f.Coordinator.CommitTransactionalOffsetsAsync(new TxnOffsetCommitRequest("txn2", "g", 2, Epoch, -1, "", null,
            [new OffsetCommitEntry(new TopicPartition("t", 1), 20, -1, null)]), CancellationToken.None));

        EndTransaction(f, 2, commit: true);
        Assert.Equal(ErrorCode.UnstableOffsetCommit, Fetch(f, true).Error);
        Assert.Equal(20L, f.Coordinator.FetchOffsets("g", [("t", [1])], true).Single().Offset);
        EndTransaction(f, 1, commit: true);
        Assert.Equal(10L, Fetch(f, true).Offset);
    }
}
