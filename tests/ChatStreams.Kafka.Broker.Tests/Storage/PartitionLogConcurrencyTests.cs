using ChatStreams.Kafka.Broker.Records;
using ChatStreams.Kafka.Broker.Storage;

namespace ChatStreams.Kafka.Broker.Tests.Storage;

public sealed class PartitionLogConcurrencyTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Readers_see_whole_batches_while_appends_retention_and_compaction_run()
    {
        var config = new LogConfig
        {
            SegmentBytes = 4096,
            RetentionBytes = 40_000,
            CleanupPolicy = CleanupPolicy.Compact | CleanupPolicy.Delete,
            IndexIntervalBytes = 256,
            FlushPolicy = FlushPolicy.OsOnly,
        };
        using var log = LogTestData.Open(_temp.Partition(), config);
        using var stop = new CancellationTokenSource();
        long batchesRead = 0;

        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                long offset = log.LogStartOffset;
                while (offset < log.LogEndOffset && !stop.IsCancellationRequested)
                {
                    FetchSlice slice;
                    try
                    {
                        slice = log.Read(offset, 3000, long.MaxValue);
                    }
                    catch (OffsetOutOfRangeException)
                    {
                        break; // retention overtook this reader: start again at the new log start
                    }
                    using (slice)
                    {
                        long expectedAtLeast = offset;
                        foreach (var batch in RecordBatches.Split(slice.Bytes.Span))
                        {
                            Assert.True(RecordBatchHeader.HasValidCrc(batch.Bytes));
                            Assert.True(batch.Header.NextOffset > expectedAtLeast);
                            expectedAtLeast = batch.Header.NextOffset;
                            Interlocked.Increment(ref batchesRead);
                        }
                        if (slice.BatchCount == 0) break;
                        offset = slice.NextOffset;
                    }
                }
            }
        })).ToList();

        var cleaner = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                log.Compact();
                log.EnforceRetention();
            }
        });

        // Keep writing until the readers have overlapped with the writer for a while (on a busy machine the
        // pool may start them late); the cap only guards against a reader that never progresses.
        int appended = 0;
        while ((appended < 3000 || Interlocked.Read(ref batchesRead) < 2000) && appended < 1_000_000)
        {
            log.Append(LogTestData.Keyed($"k{appended % 50}", $"v{appended}"));
            appended++;
        }
        await stop.CancelAsync();
        await Task.WhenAll(readers.Append(cleaner));

        Assert.True(Interlocked.Read(ref batchesRead) >= 2000);
        Assert.Equal(appended, log.LogEndOffset);
        var latest = LogTestData.ReadAll(log, log.LogStartOffset).GroupBy(r => LogTestData.Text(r.Key)).Select(g => LogTestData.Text(g.Last().Value)).ToHashSet();
        Assert.Contains($"v{appended - 1}", latest);
    }

    [Fact]
    public void Reading_a_closed_log_fails_clearly()
    {
        var log = LogTestData.Open(_temp.Partition());
        log.Append(LogTestData.Batch(1));
        log.Close();
        Assert.Throws<ObjectDisposedException>(() => log.Read(0, 100, long.MaxValue));
    }
}
