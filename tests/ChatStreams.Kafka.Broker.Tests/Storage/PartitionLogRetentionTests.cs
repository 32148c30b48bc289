using ChatStreams.Kafka.Broker.Storage;

namespace ChatStreams.Kafka.Broker.Tests.Storage;

public sealed class PartitionLogRetentionTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Time_retention_deletes_expired_segments_but_never_the_active_one()
    {
        var time = new ManualTime();
        var config = new LogConfig { SegmentBytes = 500, RetentionMs = 60_000 };
        using var log = LogTestData.Open(_temp.Partition(), config, time);
        for (int i = 0; i < 20; i++) log.Append(LogTestData.Batch(3, timestamp: time.NowMs, firstKey: i * 3));
        int before = log.SegmentCount;
        Assert.True(before > 3);

        Assert.Equal(0, log.EnforceRetention()); // nothing is a minute old yet
        time.Advance(TimeSpan.FromMinutes(2));
        RollAndAppendFresh(log, time);
        int deleted = log.EnforceRetention();

        Assert.Equal(before, deleted); // every old segment; the one with fresh data and the active one stay
        Assert.Equal(1, log.SegmentCount);
        Assert.True(log.LogStartOffset > 0);
        Assert.Equal(log.LogStartOffset, log.Batches(log.LogStartOffset).First().Header.BaseOffset);
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(0, 100, long.MaxValue));
        Assert.Contains(LogTestData.ReadAll(log, log.LogStartOffset), r => LogTestData.Text(r.Key) == "key-60");
    }

    /// <summary>Starts a new segment holding only fresh records (retention must keep it and everything after).</summary>
    private static void RollAndAppendFresh(PartitionLog log, ManualTime time)
    {
        int segments = log.SegmentCount;
        for (int i = 0; log.SegmentCount == segments; i++) log.Append(LogTestData.Batch(3, timestamp: time.NowMs, firstKey: 60 + i * 3));
    }

    [Fact]
    public void Size_retention_keeps_the_log_under_retention_bytes()
    {
        var config = new LogConfig { SegmentBytes = 1000, RetentionBytes = 3000 };
        using var log = LogTestData.Open(_temp.Partition(), config);
        for (int i = 0; i < 100; i++) log.Append(LogTestData.Batch(2, firstKey: i * 2));
        long sizeBefore = log.Size;
        Assert.True(sizeBefore > 6000);

        Assert.True(log.EnforceRetention() > 0);
        Assert.InRange(log.Size, 2000, 4000); // within one segment of the limit, as Kafka
        Assert.Equal(200, log.LogEndOffset);
        Assert.Equal(log.LogEndOffset - log.LogStartOffset, LogTestData.ReadAll(log, log.LogStartOffset).Count);
    }

    [Fact]
    public void Compact_only_topics_are_not_trimmed_by_retention()
    {
        var time = new ManualTime();
        var config = new LogConfig { SegmentBytes = 300, RetentionMs = 1, CleanupPolicy = CleanupPolicy.Compact };
        using var log = LogTestData.Open(_temp.Partition(), config, time);
        for (int i = 0; i < 10; i++) log.Append(LogTestData.Batch(2, timestamp: time.NowMs));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, log.EnforceRetention());
        Assert.Equal(0, log.LogStartOffset);
    }

    [Fact]
    public void Retention_results_survive_a_restart()
    {
        var time = new ManualTime();
        var config = new LogConfig { SegmentBytes = 500, RetentionBytes = 1000 };
        var path = _temp.Partition();
        long start;
        using (var log = LogTestData.Open(path, config, time))
        {
            for (int i = 0; i < 40; i++) log.Append(LogTestData.Batch(2));
            log.EnforceRetention();
            start = log.LogStartOffset;
            Assert.True(start > 0);
        }
        using (var log = LogTestData.Open(path, config, time))
        {
            Assert.Equal(start, log.LogStartOffset);
            Assert.Equal(80, log.LogEndOffset);
        }
    }

    [Fact]
    public void Delete_records_moves_the_start_into_a_segment_and_drops_whole_segments_below_it()
    {
        var config = new LogConfig { SegmentBytes = 400 };
        var path = _temp.Partition();
        using (var log = LogTestData.Open(path, config))
        {
            for (int i = 0; i < 30; i++) log.Append(LogTestData.Batch(3, firstKey: i * 3));
            int segments = log.SegmentCount;

            log.DeleteRecordsBefore(40);
            Assert.Equal(40, log.LogStartOffset);
            Assert.True(log.SegmentCount < segments);
            Assert.Throws<OffsetOutOfRangeException>(() => log.Read(39, 100, long.MaxValue));
            using (var slice = log.Read(40, 100, long.MaxValue)) Assert.Equal(39, slice.FirstOffset); // the batch holding 40
            var records = LogTestData.ReadAll(log, 40);
            Assert.Equal(50, records.Count);
            Assert.Equal(40, records[0].Offset);

            log.DeleteRecordsBefore(10); // never moves back
            Assert.Equal(40, log.LogStartOffset);
            Assert.Throws<OffsetOutOfRangeException>(() => log.DeleteRecordsBefore(91));
        }
        using (var log = LogTestData.Open(path, config))
        {
            Assert.Equal(40, log.LogStartOffset);
            Assert.Throws<OffsetOutOfRangeException>(() => log.Read(39, 100, long.MaxValue));
        }
    }

    [Fact]
    public void Deleting_everything_rolls_and_keeps_the_end_offset()
    {
        var path = _temp.Partition();
        using (var log = LogTestData.Open(path))
        {
            log.Append(LogTestData.Batch(5));
            log.DeleteRecordsBefore(5);
            Assert.Equal(5, log.LogStartOffset);
            Assert.Equal(5, log.LogEndOffset);
            Assert.Equal(1, log.SegmentCount);
            Assert.Equal(5, log.Append(LogTestData.Batch(1)).FirstOffset);
        }
        Assert.Equal(["00000000000000000005.log"], Directory.GetFiles(path, "*.log").Select(Path.GetFileName));
        using (var log = LogTestData.Open(path)) Assert.Equal((5L, 6L), (log.LogStartOffset, log.LogEndOffset));
    }

    [Fact]
    public void Segment_ms_rolls_the_active_segment()
    {
        var time = new ManualTime();
        using var log = LogTestData.Open(_temp.Partition(), new LogConfig { SegmentMs = 1000 }, time);
        log.Append(LogTestData.Batch(1, timestamp: time.NowMs));
        log.Append(LogTestData.Batch(1, timestamp: time.NowMs));
        Assert.Equal(1, log.SegmentCount);
        time.Advance(TimeSpan.FromSeconds(2));
        log.Append(LogTestData.Batch(1, timestamp: time.NowMs));
        Assert.Equal(2, log.SegmentCount);
    }
}
