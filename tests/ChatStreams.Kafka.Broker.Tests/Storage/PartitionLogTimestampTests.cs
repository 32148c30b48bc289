using ChatStreams.Kafka.Broker.Records;
using ChatStreams.Kafka.Broker.Storage;

namespace ChatStreams.Kafka.Broker.Tests.Storage;

public sealed class PartitionLogTimestampTests : IDisposable
{
    private static readonly LogConfig Small = new() { SegmentBytes = 1500, IndexIntervalBytes = 100 };
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Offset_for_timestamp_finds_the_first_record_at_or_after_it_across_segments()
    {
        using var log = LogTestData.Open(_temp.Partition(), Small);
        // 100 batches of 4 records, timestamps 1000, 1010, 1020, ... (10 ms apart per record).
        for (int i = 0; i < 100; i++)
        {
            using var builder = new RecordBatchBuilder(i % 2 == 0 ? CompressionType.None : CompressionType.Lz4);
            for (int r = 0; r < 4; r++) builder.Add([(byte)r], [1], 1000 + (i * 4 + r) * 10);
            log.Append(builder.Build());
        }

        Assert.Equal((0L, 1000L), log.OffsetForTimestamp(0));
        Assert.Equal((0L, 1000L), log.OffsetForTimestamp(1000));
        Assert.Equal((1L, 1010L), log.OffsetForTimestamp(1001));
        Assert.Equal((257L, 3570L), log.OffsetForTimestamp(3565));
        Assert.Equal((399L, 4990L), log.OffsetForTimestamp(4990));
        Assert.Null(log.OffsetForTimestamp(4991));
    }

    [Fact]
    public void Out_of_order_timestamps_still_give_the_first_qualifying_offset()
    {
        using var log = LogTestData.Open(_temp.Partition(), Small);
        long[] times = [500, 100, 900, 200, 300, 950, 400];
        foreach (long t in times) log.Append(LogTestData.Batch(1, timestamp: t));
        Assert.Equal((0L, 500L), log.OffsetForTimestamp(450));
        Assert.Equal((2L, 900L), log.OffsetForTimestamp(600));
        Assert.Equal((5L, 950L), log.OffsetForTimestamp(920));
    }

    [Fact]
    public void Max_timestamp_names_the_exact_record_and_survives_restart()
    {
        var path = _temp.Partition();
        using (var log = LogTestData.Open(path, Small))
        {
            Assert.Equal((-1L, -1L), log.MaxTimestamp());
            for (int i = 0; i < 50; i++)
            {
                using var builder = new RecordBatchBuilder(CompressionType.Snappy);
                builder.Add([1], [1], 100 + i).Add([2], [2], i == 20 ? 99_999 : 50).Add([3], [3], 60);
                log.Append(builder.Build());
            }
            Assert.Equal((61L, 99_999L), log.MaxTimestamp());
        }
        using (var log = LogTestData.Open(path, Small))
            Assert.Equal((61L, 99_999L), log.MaxTimestamp());
    }

}
