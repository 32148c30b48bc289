using ChatStreams.Kafka.Broker.Storage;

namespace ChatStreams.Kafka.Broker.Tests.Storage;

public sealed class GroupCommitTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Concurrent_flush_callers_share_one_fsync()
    {
        using var log = LogTestData.Open(_temp.Partition());
        var lastOffsets = new List<long>();
        for (int i = 0; i < 50; i++) lastOffsets.Add(log.Append(LogTestData.Batch(2)).LastOffset);

        // Every caller asks before any fsync could cover a later append: the first fsync covers them all.
        await Task.WhenAll(lastOffsets.Select(o => log.FlushAsync(o).AsTask()));

        Assert.Equal(1, log.GroupCommitFsyncCount);
        Assert.Equal(log.LogEndOffset, log.DurableOffset);
        await log.FlushAsync(10);
        Assert.Equal(1, log.GroupCommitFsyncCount); // already durable: no new fsync
    }

    [Fact]
    public async Task Many_producers_appending_and_flushing_need_far_fewer_fsyncs_than_appends()
    {
        using var log = LogTestData.Open(_temp.Partition());
        const int producers = 16, appendsEach = 50;
        var gate = new object();
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            for (int i = 0; i < appendsEach; i++)
            {
                long last;
                lock (gate) last = log.Append(LogTestData.Batch(1)).LastOffset;
                await log.FlushAsync(last);
                Assert.True(log.DurableOffset > last);
            }
        })));

        Assert.Equal(producers * appendsEach, log.LogEndOffset);
        Assert.InRange(log.GroupCommitFsyncCount, 1, producers * appendsEach);
        Assert.Equal(log.LogEndOffset, log.DurableOffset);
    }

    [Fact]
    public async Task Other_flush_policies_do_not_wait_for_fsync()
    {
        using var log = LogTestData.Open(_temp.Partition(), new LogConfig { FlushPolicy = FlushPolicy.OsOnly });
        var result = log.Append(LogTestData.Batch(3));
        await log.FlushAsync(result.LastOffset);
        Assert.Equal(0, log.GroupCommitFsyncCount);
    }

    [Fact]
    public async Task Flushing_beyond_the_end_waits_only_for_what_exists()
    {
        using var log = LogTestData.Open(_temp.Partition());
        log.Append(LogTestData.Batch(1));
        await log.FlushAsync(1_000_000).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, log.DurableOffset);
    }
}
