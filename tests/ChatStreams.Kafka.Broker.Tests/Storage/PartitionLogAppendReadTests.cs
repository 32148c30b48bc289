using ChatStreams.Kafka.Broker.Records;
using ChatStreams.Kafka.Broker.Storage;

namespace ChatStreams.Kafka.Broker.Tests.Storage;

public sealed class PartitionLogAppendReadTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Appends_assign_consecutive_offsets_per_batch()
    {
        using var log = LogTestData.Open(_temp.Partition());
        var first = log.Append(LogTestData.Batch(3));
        var second = log.Append(TestConcat(LogTestData.Batch(2), LogTestData.Batch(4)));

        Assert.Equal((0L, 2L, -1L), (first.FirstOffset, first.LastOffset, first.LogAppendTime));
        Assert.Equal([3L, 5L], second.BatchBaseOffsets);
        Assert.Equal(8, second.LastOffset);
        Assert.Equal(9, log.LogEndOffset);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => (long)i), LogTestData.ReadAll(log, 0).Select(r => r.Offset));
    }

    [Fact]
    public void Appends_and_reads_span_many_segments()
    {
        var config = new LogConfig { SegmentBytes = 2048, IndexIntervalBytes = 256 };
        using var log = LogTestData.Open(_temp.Partition(), config);
        for (int i = 0; i < 200; i++) log.Append(LogTestData.Batch(5, firstKey: i * 5));

        Assert.True(log.SegmentCount > 10, $"only {log.SegmentCount} segments");
        var files = Directory.GetFiles(_temp.Partition(), "*.log").Select(Path.GetFileName).Order().ToList();
        Assert.Equal("00000000000000000000.log", files[0]);
        Assert.All(files, f => Assert.Matches("^[0-9]{20}\\.log$", f));

        var records = LogTestData.ReadAll(log, 0, maxBytes: 700);
        Assert.Equal(1000, records.Count);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), records.Select(r => r.Offset));
        Assert.Equal("key-999", LogTestData.Text(records[999].Key));

        // Random access into every segment goes through the sparse index.
        foreach (long offset in new long[] { 0, 1, 37, 499, 500, 501, 998, 999 })
        {
            using var slice = log.Read(offset, 1, long.MaxValue);
            var batch = RecordBatchHeader.Parse(slice.Bytes.Span);
            Assert.InRange(offset, batch.BaseOffset, batch.LastOffset);
        }
    }

    [Fact]
    public void Reads_respect_max_bytes_but_always_return_the_first_batch()
    {
        using var log = LogTestData.Open(_temp.Partition());
        var big = LogTestData.Batch(10, valueSize: 500);
        var small = LogTestData.Batch(1);
        log.Append(big);
        log.Append(small);
        log.Append(small);

        using (var slice = log.Read(0, 10, long.MaxValue))
        {
            Assert.Equal(1, slice.BatchCount);
            Assert.Equal(big.Length, slice.Bytes.Length);
            Assert.Equal(10, slice.NextOffset);
        }
        using (var slice = log.Read(0, big.Length + small.Length, long.MaxValue))
        {
            Assert.Equal(2, slice.BatchCount);
            Assert.Equal(11, slice.NextOffset);
        }
        using (var slice = log.Read(0, big.Length + small.Length * 2 - 1, long.MaxValue))
            Assert.Equal(2, slice.BatchCount);
    }

    [Fact]
    public void Reads_stop_before_the_high_watermark()
    {
        using var log = LogTestData.Open(_temp.Partition());
        log.Append(LogTestData.Batch(3)); // 0..2
        log.Append(LogTestData.Batch(3)); // 3..5
        log.Append(LogTestData.Batch(3)); // 6..8

        using (var slice = log.Read(0, int.MaxValue, 6))
        {
            Assert.Equal(2, slice.BatchCount);
            Assert.Equal(6, slice.NextOffset);
        }
        // A batch straddling the limit is returned: its base is below it (Kafka does the same).
        using (var slice = log.Read(0, int.MaxValue, 4))
            Assert.Equal(2, slice.BatchCount);
        using (var slice = log.Read(3, int.MaxValue, 3))
            Assert.Equal(0, slice.BatchCount);
    }

    [Fact]
    public void An_offset_inside_a_batch_returns_that_whole_batch()
    {
        using var log = LogTestData.Open(_temp.Partition());
        log.Append(LogTestData.Batch(5));
        log.Append(LogTestData.Batch(5));

        using var slice = log.Read(7, int.MaxValue, long.MaxValue);
        Assert.Equal(5, slice.FirstOffset);
        Assert.Equal(1, slice.BatchCount);
    }

    [Fact]
    public void Offsets_outside_the_log_are_out_of_range_and_the_end_is_empty()
    {
        using var log = LogTestData.Open(_temp.Partition());
        log.Append(LogTestData.Batch(2));

        using (var atEnd = log.Read(2, 1000, long.MaxValue)) Assert.Equal(0, atEnd.BatchCount);
        var error = Assert.Throws<OffsetOutOfRangeException>(() => log.Read(3, 1000, long.MaxValue));
        Assert.Equal((0L, 2L), (error.LogStartOffset, error.LogEndOffset));
        Assert.Throws<OffsetOutOfRangeException>(() => log.Read(-1, 1000, long.MaxValue));
    }

    [Fact]
    public void Offsets_survive_a_restart()
    {
        var path = _temp.Partition();
        using (var log = LogTestData.Open(path, new LogConfig { SegmentBytes = 1024 }))
            for (int i = 0; i < 30; i++) log.Append(LogTestData.Batch(2, firstKey: i * 2));

        using (var log = LogTestData.Open(path, new LogConfig { SegmentBytes = 1024 }))
        {
            Assert.Equal(60, log.LogEndOffset);
            Assert.Equal(0, log.LogStartOffset);
            Assert.Equal(60, log.Append(LogTestData.Batch(1)).FirstOffset);
            Assert.Equal(61, LogTestData.ReadAll(log, 0).Count);
        }
    }

    [Fact]
    public void Clean_close_leaves_a_marker_that_the_next_open_consumes()
    {
        var path = _temp.Partition();
        var log = LogTestData.Open(path);
        log.Append(LogTestData.Batch(1));
        log.Close();
        Assert.True(File.Exists(Path.Combine(path, ".clean-shutdown")));
        using var reopened = LogTestData.Open(path);
        Assert.False(File.Exists(Path.Combine(path, ".clean-shutdown")));
        Assert.Throws<ObjectDisposedException>(() => log.Append(LogTestData.Batch(1)));
    }

    [Fact]
    public void Log_append_time_topics_stamp_the_broker_clock()
    {
        var time = new ManualTime();
        using var log = LogTestData.Open(_temp.Partition(), new LogConfig { MessageTimestampType = TimestampType.LogAppendTime }, time);
        var result = log.Append(LogTestData.Batch(3, timestamp: 5));

        Assert.Equal(time.NowMs, result.LogAppendTime);
        using var slice = log.Read(0, 1000, long.MaxValue);
        Assert.True(RecordBatchHeader.HasValidCrc(slice.Bytes.Span));
        Assert.All(RecordReader.ReadAll(slice.Bytes.Span), r => Assert.Equal(time.NowMs, r.Timestamp));
    }

    [Fact]
    public void Leader_epoch_is_stamped_without_breaking_the_crc()
    {
        using var log = LogTestData.Open(_temp.Partition());
        log.Append(LogTestData.Batch(1), partitionLeaderEpoch: 3);
        using var slice = log.Read(0, 1000, long.MaxValue);
        Assert.Equal(3, RecordBatchHeader.Parse(slice.Bytes.Span).PartitionLeaderEpoch);
        Assert.True(RecordBatchHeader.HasValidCrc(slice.Bytes.Span));
    }

    [Fact]
    public void Batches_lists_headers_and_decodes_transaction_markers()
    {
        using var log = LogTestData.Open(_temp.Partition(), new LogConfig { SegmentBytes = 300 });
        log.Append(LogTestData.Keyed("a", "1", producerId: 5, epoch: 0, sequence: 0, transactional: true));
        log.Append(RecordBatchBuilder.ControlBatch(5, 0, ControlRecordType.Commit, 2, 1_700_000_000_000));
        log.Append(LogTestData.Keyed("b", "2", producerId: 5, epoch: 0, sequence: 1, transactional: true));
        log.Append(RecordBatchBuilder.ControlBatch(5, 0, ControlRecordType.Abort, 2, 1_700_000_000_000));
        log.Append(LogTestData.Batch(2));

        var batches = log.Batches(0).ToList();
        Assert.Equal([0L, 1, 2, 3, 4], batches.Select(b => b.Header.BaseOffset));
        Assert.Equal([null, ControlRecordType.Commit, null, ControlRecordType.Abort, null], batches.Select(b => b.ControlType));
        Assert.Equal(2, batches[1].Control!.Value.CoordinatorEpoch);
        Assert.Equal([2L, 3, 4], log.Batches(2).Select(b => b.Header.BaseOffset));
    }

    [Fact]
    public void Appending_bytes_that_are_not_batches_is_refused()
    {
        using var log = LogTestData.Open(_temp.Partition());
        Assert.Throws<CorruptRecordException>(() => log.Append(new byte[10]));
        var batch = LogTestData.Batch(1);
        Assert.Throws<CorruptRecordException>(() => log.Append(batch.AsSpan(0, batch.Length - 1)));
        Assert.Equal(0, log.LogEndOffset);
    }

    [Fact]
    public void Validate_uses_the_topic_config()
    {
        using var log = LogTestData.Open(_temp.Partition(), LogConfig.FromTopicConfigs(new Dictionary<string, string?> { ["cleanup.policy"] = "compact" }));
        var keyless = new RecordBatchBuilder().Add(null, [1], 1).Build();
        Assert.Equal(RecordValidationError.MissingKey, log.Validate(keyless).Error);
        Assert.True(log.Validate(LogTestData.Keyed("k", "v")).IsValid);
    }

    private static byte[] TestConcat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
