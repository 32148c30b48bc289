using ChatStreams.Kafka.Broker.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Kafka.Broker.Tests.Storage;

/// <summary>The data directory's shared syncfs (Linux): partitions waiting at the same moment share one call.</summary>
public sealed class VolumeSyncTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Partitions_flushing_at_once_share_syncfs_calls_and_all_become_durable()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var volume = VolumeSync.TryOpen(_temp.Path)!;
        var logs = Enumerable.Range(0, 48).Select(i => Open($"topic-{i}", volume)).ToList();
        try
        {
            var lastOffsets = logs.Select(log => log.Append(LogTestData.Batch(3)).LastOffset).ToList();

            await Task.WhenAll(logs.Select((log, i) => log.FlushAsync(lastOffsets[i]).AsTask())).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.All(logs, log => Assert.Equal(log.LogEndOffset, log.DurableOffset));
            // A caller that finds a sync running waits for the next one, so 48 callers asking within microseconds of
            // each other need a handful of calls, not 48 (the per-partition way would have made 48 fsyncs).
            Assert.InRange(volume.SyncCount, 1, 24);
            Assert.All(logs, log => Assert.Equal(1, log.GroupCommitFsyncCount));
        }
        finally
        {
            foreach (var log in logs) log.Dispose();
        }
    }

    [Fact]
    public async Task Concurrent_producers_on_many_partitions_see_every_append_durable_when_their_flush_completes()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var volume = VolumeSync.TryOpen(_temp.Path)!;
        var logs = Enumerable.Range(0, 8).Select(i => Open($"topic-{i}", volume)).ToList();
        try
        {
            const int producersPerLog = 4, appendsEach = 40;
            await Task.WhenAll(logs.SelectMany(log => Enumerable.Range(0, producersPerLog).Select(_ => Task.Run(async () =>
            {
                for (int i = 0; i < appendsEach; i++)
                {
                    long last;
                    lock (log) last = log.Append(LogTestData.Batch(1)).LastOffset;
                    await log.FlushAsync(last);
                    Assert.True(log.DurableOffset > last);
                }
            })))).WaitAsync(TimeSpan.FromSeconds(60));

            Assert.All(logs, log => Assert.Equal(producersPerLog * appendsEach, log.DurableOffset));
            Assert.InRange(volume.SyncCount, 1, logs.Count * producersPerLog * appendsEach - 1);
        }
        finally
        {
            foreach (var log in logs) log.Dispose();
        }
    }

    [Fact]
    public async Task A_failed_sync_fails_the_waiting_flushes_and_leaves_the_durable_offset_behind()
    {
        if (!OperatingSystem.IsLinux()) return;
        var volume = VolumeSync.TryOpen(_temp.Path)!;
        using var log = Open("topic-0", volume);
        var first = log.Append(LogTestData.Batch(2)).LastOffset;
        await log.FlushAsync(first);
        var second = log.Append(LogTestData.Batch(2)).LastOffset;

        volume.Dispose(); // the next syncfs cannot run: its caller must hear of it, not be told the data is safe
        await Assert.ThrowsAnyAsync<Exception>(async () => await log.FlushAsync(second).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(first + 1, log.DurableOffset);
    }

    [Fact]
    public async Task The_broker_shares_syncfs_by_default_and_can_fsync_each_partition_instead()
    {
        Assert.Equal(LogSyncMode.FileSystem, new BrokerOptions().LogSync);
        if (!OperatingSystem.IsLinux()) return;

        foreach (var mode in new[] { LogSyncMode.FileSystem, LogSyncMode.PerPartition })
        {
            using var dir = new TempDirectory();
            using var catalog = new Cluster.TopicCatalog(new BrokerOptions { DataDirectory = dir.Path, LogSync = mode }, TimeProvider.System, NullLoggerFactory.Instance);
            catalog.Load();
            Assert.True(catalog.Create("chat.events", 4, new Dictionary<string, string?>(), validateOnly: false).Error == Protocol.ErrorCode.None);
            var partitions = catalog.Find("chat.events")!.Partitions;
            foreach (var p in partitions)
            {
                var last = p.Log.Append(LogTestData.Batch(2)).LastOffset;
                await p.Log.FlushAsync(last).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(p.Log.LogEndOffset, p.Log.DurableOffset);
            }
            if (mode == LogSyncMode.FileSystem) Assert.InRange(catalog.FileSystemSyncCount, 1, partitions.Count);
            else Assert.Equal(0, catalog.FileSystemSyncCount);
        }
    }

    private PartitionLog Open(string partition, VolumeSync volume) =>
        PartitionLog.Open(_temp.Partition(partition), new LogConfig(), new ManualTime(), NullLogger.Instance, volume);
}
