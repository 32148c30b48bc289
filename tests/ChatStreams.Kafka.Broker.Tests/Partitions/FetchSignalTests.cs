using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Tests.Records;
using ChatStreams.Kafka.Broker.Tests.Support;

namespace ChatStreams.Kafka.Broker.Tests.Partitions;

/// <summary>
/// What wakes a waiting fetch: any append wakes a read_uncommitted one; a read_committed one only when the last stable
/// offset moves (a plain append outside any transaction, or the marker that ends the oldest open transaction).
/// </summary>
public sealed class FetchSignalTests : IDisposable
{
    private const long ProducerA = 1000, ProducerB = 2000;
    private readonly TestCatalog _topics = new();
    private readonly Partition _partition;

    public FetchSignalTests() => _partition = _topics.Create("t", 1)[0];

    [Fact]
    public void An_append_inside_an_open_transaction_wakes_only_uncommitted_readers_and_its_marker_wakes_both()
    {
        var (anyAppend, stable) = (_partition.AppendedSignal, _partition.StableSignal);
        _partition.AppendInternal(TestBatch.Of(3), ProducerA, transactional: true);
        Assert.True(anyAppend.IsCompleted);
        Assert.False(stable.IsCompleted);

        anyAppend = _partition.AppendedSignal;
        _partition.WriteMarker(ProducerA, 0, commit: true, coordinatorEpoch: 0);
        Assert.True(anyAppend.IsCompleted);
        Assert.True(stable.IsCompleted);
        Assert.Equal(_partition.HighWatermark, _partition.LastStableOffset);
    }

    [Fact]
    public void A_plain_append_wakes_committed_readers_unless_an_older_transaction_holds_the_stable_offset_back()
    {
        var stable = _partition.StableSignal;
        _partition.AppendInternal(TestBatch.Of(1), -1, transactional: false);
        Assert.True(stable.IsCompleted);

        _partition.AppendInternal(TestBatch.Of(1), ProducerA, transactional: true);
        stable = _partition.StableSignal;
        _partition.AppendInternal(TestBatch.Of(1), -1, transactional: false);
        Assert.False(stable.IsCompleted);

        // Ending a younger transaction does not move the offset either; ending the oldest one does.
        _partition.AppendInternal(TestBatch.Of(1), ProducerB, transactional: true);
        _partition.WriteMarker(ProducerB, 0, commit: false, coordinatorEpoch: 0);
        Assert.False(stable.IsCompleted);
        _partition.WriteMarker(ProducerA, 0, commit: true, coordinatorEpoch: 0);
        Assert.True(stable.IsCompleted);
    }

    public void Dispose() => _topics.Dispose();
}
