using System.Text;
using ChatStreams.Kafka.Broker.Records;
using ChatStreams.Kafka.Broker.Storage;

namespace ChatStreams.Kafka.Broker.Tests.Storage;

public sealed class PartitionLogCompactionTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly ManualTime _time = new();

    public void Dispose() => _temp.Dispose();

    private static LogConfig Compacted(int segmentBytes = 600) => new()
    {
        CleanupPolicy = CleanupPolicy.Compact,
        SegmentBytes = segmentBytes,
        DeleteRetentionMs = 60_000,
        IndexIntervalBytes = 64,
    };

    private PartitionLog Open(LogConfig? config = null) => LogTestData.Open(_temp.Partition(), config ?? Compacted(), _time);

    private long Put(PartitionLog log, string key, string? value) => log.Append(LogTestData.Keyed(key, value, _time.NowMs)).FirstOffset;

    /// <summary>Fills the active segment with unrelated keys until it rolls, so everything before becomes cleanable.</summary>
    private static void RollPast(PartitionLog log, string prefix = "filler")
    {
        int segments = log.SegmentCount;
        for (int i = 0; log.SegmentCount == segments; i++) log.Append(LogTestData.Keyed($"{prefix}-{i}", "x"));
    }

    private static Dictionary<string, (long Offset, string Value)> Latest(PartitionLog log) =>
        LogTestData.ReadAll(log, log.LogStartOffset)
            .GroupBy(r => LogTestData.Text(r.Key))
            .ToDictionary(g => g.Key, g => (g.Last().Offset, LogTestData.Text(g.Last().Value)));

    [Fact]
    public void Keeps_only_the_latest_record_per_key_at_its_original_offset()
    {
        using var log = Open();
        var offsets = new Dictionary<string, long>();
        for (int round = 0; round < 5; round++)
            for (int k = 0; k < 4; k++)
                offsets[$"k{k}"] = Put(log, $"k{k}", $"v{round}");
        RollPast(log);
        var before = Latest(log);
        long end = log.LogEndOffset;

        var result = log.Compact();

        Assert.Null(result.SkippedBecause);
        Assert.Equal(16, result.RecordsRemoved);
        Assert.Equal(end, log.LogEndOffset);
        var records = LogTestData.ReadAll(log, 0);
        var kept = records.Where(r => LogTestData.Text(r.Key).StartsWith('k')).ToList();
        Assert.Equal(4, kept.Count);
        foreach (var record in kept)
        {
            Assert.Equal(offsets[LogTestData.Text(record.Key)], record.Offset);
            Assert.Equal("v4", LogTestData.Text(record.Value));
        }
        Assert.Equal(before, Latest(log));
    }

    [Fact]
    public void Surviving_batches_keep_base_offset_and_last_offset_delta()
    {
        using var log = Open(Compacted(2000));
        using (var builder = new RecordBatchBuilder(CompressionType.Gzip))
        {
            builder.Add(Encoding.UTF8.GetBytes("a"), Encoding.UTF8.GetBytes("1"), 1)
                .Add(Encoding.UTF8.GetBytes("b"), Encoding.UTF8.GetBytes("1"), 2)
                .Add(Encoding.UTF8.GetBytes("c"), Encoding.UTF8.GetBytes("1"), 3);
            log.Append(builder.Build()); // offsets 0..2
        }
        Put(log, "a", "2"); // 3
        Put(log, "c", "2"); // 4
        RollPast(log);

        log.Compact();

        var first = log.Batches(0).First();
        Assert.Equal(0, first.Header.BaseOffset);
        Assert.Equal(2, first.Header.LastOffsetDelta);
        Assert.Equal(1, first.Header.RecordCount);
        Assert.Equal(CompressionType.Gzip, first.Header.Compression);
        using var slice = log.Read(0, 10_000, long.MaxValue);
        Assert.Equal(3, RecordBatchHeader.Parse(slice.Bytes.Span).NextOffset); // consumers continue at 3, not 2
        var records = LogTestData.ReadAll(log, 0).Take(3).ToList();
        Assert.Equal([(1L, "b"), (3L, "a"), (4L, "c")], records.Select(r => (r.Offset, LogTestData.Text(r.Key))));
    }

    [Fact]
    public void Tombstones_go_after_delete_retention_following_the_first_cleaning()
    {
        using var log = Open();
        Put(log, "user", "alice");
        long tombstone = Put(log, "user", null);
        Put(log, "other", "stays");
        RollPast(log);

        log.Compact();
        var afterFirst = LogTestData.ReadAll(log, 0).Where(r => LogTestData.Text(r.Key) == "user").ToList();
        var kept = Assert.Single(afterFirst);
        Assert.Equal(tombstone, kept.Offset);
        Assert.True(kept.IsTombstone);
        Assert.True(log.Batches(tombstone).First().Header.HasDeleteHorizon);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.NotNull(log.Compact().SkippedBecause);
        Assert.Contains(LogTestData.ReadAll(log, 0), r => LogTestData.Text(r.Key) == "user");

        _time.Advance(TimeSpan.FromSeconds(31));
        var result = log.Compact();
        Assert.Null(result.SkippedBecause);
        Assert.DoesNotContain(LogTestData.ReadAll(log, 0), r => LogTestData.Text(r.Key) == "user");
        Assert.Contains(LogTestData.ReadAll(log, 0), r => LogTestData.Text(r.Key) == "other");
    }

    [Fact]
    public void Aborted_transactions_are_removed_and_markers_live_until_their_horizon()
    {
        using var log = Open(Compacted(4000));
        long aborted = log.Append(LogTestData.Keyed("k1", "aborted", producerId: 10, epoch: 0, sequence: 0, transactional: true)).FirstOffset;
        log.Append(LogTestData.Keyed("k2", "committed", producerId: 11, epoch: 0, sequence: 0, transactional: true));
        long abortMarker = log.Append(RecordBatchBuilder.ControlBatch(10, 0, ControlRecordType.Abort, 1, _time.NowMs)).FirstOffset;
        long commitMarker = log.Append(RecordBatchBuilder.ControlBatch(11, 0, ControlRecordType.Commit, 1, _time.NowMs)).FirstOffset;
        Put(log, "k3", "plain");
        RollPast(log);

        log.Compact();
        var values = LogTestData.ReadAll(log, 0).Select(r => LogTestData.Text(r.Value)).ToList();
        Assert.DoesNotContain("aborted", values);
        Assert.Contains("committed", values);
        Assert.Contains("plain", values);

        var batches = log.Batches(0).ToList();
        // Producer 10's aborted batch was its last: kept empty so its sequence state survives a restart.
        var emptied = Assert.Single(batches, b => b.Header.BaseOffset == aborted);
        Assert.Equal(0, emptied.Header.RecordCount);
        Assert.Equal(10, emptied.Header.ProducerId);
        Assert.Contains(batches, b => b.Header.BaseOffset == abortMarker && b.ControlType == ControlRecordType.Abort && b.Header.HasDeleteHorizon);
        Assert.Contains(batches, b => b.Header.BaseOffset == commitMarker && b.ControlType == ControlRecordType.Commit && !b.Header.HasDeleteHorizon);

        _time.Advance(TimeSpan.FromMinutes(2));
        log.Compact();
        batches = log.Batches(0).ToList();
        Assert.DoesNotContain(batches, b => b.Header.BaseOffset == abortMarker);
        Assert.Contains(batches, b => b.Header.BaseOffset == commitMarker); // its data still lives
    }

    [Fact]
    public void Nothing_from_an_open_transaction_onwards_is_cleaned()
    {
        using var log = Open();
        Put(log, "a", "1");
        Put(log, "a", "2");
        RollPast(log, "first");
        long open = log.Append(LogTestData.Keyed("b", "pending", producerId: 30, epoch: 0, sequence: 0, transactional: true)).FirstOffset;
        Put(log, "a", "3");
        RollPast(log, "second");

        var result = log.Compact();
        Assert.True(result.CleanedUpToOffset <= open, $"cleaned up to {result.CleanedUpToOffset}, past the open transaction at {open}");
        var aValues = LogTestData.ReadAll(log, 0).Where(r => LogTestData.Text(r.Key) == "a").Select(r => LogTestData.Text(r.Value)).ToList();
        Assert.Equal(["2", "3"], aValues); // "1" went; "3" is past the open transaction and the "2" it supersedes stays
    }

    [Fact]
    public void Idempotent_batches_emptied_by_compaction_are_dropped_unless_last_of_their_producer()
    {
        using var log = Open(Compacted(4000));
        long first = log.Append(LogTestData.Keyed("k", "1", producerId: 20, epoch: 0, sequence: 0)).FirstOffset;
        long second = log.Append(LogTestData.Keyed("k", "2", producerId: 20, epoch: 0, sequence: 1)).FirstOffset;
        long lone = log.Append(LogTestData.Keyed("j", "1", producerId: 21, epoch: 0, sequence: 0)).FirstOffset;
        Put(log, "j", "2");
        Put(log, "k", "3");
        RollPast(log);

        log.Compact();
        var batches = log.Batches(0).ToDictionary(b => b.Header.BaseOffset);
        Assert.False(batches.ContainsKey(first));
        Assert.Equal(0, batches[second].Header.RecordCount);
        Assert.Equal(1, batches[second].Header.BaseSequence);
        Assert.Equal(0, batches[lone].Header.RecordCount);
    }

    [Fact]
    public void Min_compaction_lag_protects_recent_segments()
    {
        var config = Compacted() with { MinCompactionLagMs = 3_600_000 };
        using var log = Open(config);
        for (int i = 0; i < 5; i++) log.Append(LogTestData.Keyed("k", $"v{i}", _time.NowMs));
        RollPast(log);

        Assert.NotNull(log.Compact().SkippedBecause);
        Assert.Equal(5, LogTestData.ReadAll(log, 0).Count(r => LogTestData.Text(r.Key) == "k"));
    }

    [Fact]
    public void Compacted_logs_survive_restart_and_keep_appending()
    {
        var config = Compacted();
        var path = _temp.Partition();
        Dictionary<string, (long, string)> expected;
        long end;
        using (var log = LogTestData.Open(path, config, _time))
        {
            for (int i = 0; i < 60; i++) Put(log, $"k{i % 7}", $"v{i}");
            RollPast(log);
            log.Compact();
            expected = Latest(log);
            end = log.LogEndOffset;
        }
        using (var log = LogTestData.Open(path, config, _time))
        {
            Assert.Equal(expected, Latest(log));
            Assert.Equal(end, log.Append(LogTestData.Keyed("new", "1")).FirstOffset);
            Assert.Empty(Directory.GetFiles(path, "*.deleted"));
            Assert.Empty(Directory.GetFiles(path, "*.swap"));
        }
    }

    [Fact]
    public void Records_without_keys_are_dropped_when_a_topic_becomes_compacted()
    {
        var path = _temp.Partition();
        using var log = LogTestData.Open(path, new LogConfig { SegmentBytes = 600 }, _time);
        log.Append(new RecordBatchBuilder().Add(null, [1], 1).Build());
        Put(log, "k", "v");
        RollPast(log);
        log.Config = Compacted();

        log.Compact();
        var records = LogTestData.ReadAll(log, 0);
        Assert.DoesNotContain(records, r => r.Key is null);
        Assert.Contains(records, r => LogTestData.Text(r.Key) == "k");
    }

    [Fact]
    public void Small_segments_left_by_compaction_are_merged_by_the_next_run()
    {
        using var log = Open();
        for (int round = 0; round < 6; round++)
        {
            for (int i = 0; i < 10; i++) Put(log, "same-key", $"v{round}-{i}");
            RollPast(log, $"filler{round}");
        }
        log.Compact(); // each full segment shrinks to a few records
        int afterFirst = log.SegmentCount;
        Put(log, "same-key", "last");
        RollPast(log, "final");

        var result = log.Compact();
        Assert.True(log.SegmentCount < afterFirst, $"{log.SegmentCount} segments after the second run, {afterFirst} after the first");
        Assert.True(result.SegmentsWritten < result.SegmentsCleaned);
        Assert.Equal("last", Latest(log)["same-key"].Value);
    }

    [Fact]
    public void An_interrupted_swap_is_completed_on_open()
    {
        var config = Compacted();
        var path = _temp.Partition();
        using (var log = LogTestData.Open(path, config, _time))
        {
            for (int i = 0; i < 20; i++) Put(log, $"k{i}", "v");
            RollPast(log);
            log.SimulateCrash();
        }
        var logs = Directory.GetFiles(path, "*.log").Order().ToList();
        Assert.True(logs.Count >= 3);
        long thirdBase = long.Parse(Path.GetFileNameWithoutExtension(logs[2]));
        long end = long.Parse(Path.GetFileNameWithoutExtension(logs[^1]));

        // Compaction output for the first two segments (every other batch), complete and renamed to .swap;
        // the crash came after the second old segment was renamed to .deleted and before the swap was renamed in.
        var kept = new List<byte>();
        var keptOffsets = new List<long>();
        int n = 0;
        foreach (var file in logs.Take(2))
            foreach (var batch in RecordBatches.Split(File.ReadAllBytes(file)))
                if (n++ % 2 == 0)
                {
                    kept.AddRange(batch.Bytes.ToArray());
                    keptOffsets.Add(batch.Header.BaseOffset);
                }
        File.WriteAllBytes(logs[0] + ".swap", kept.ToArray());
        File.Move(logs[1], logs[1] + ".deleted");
        File.WriteAllBytes(logs[0] + ".cleaned", [1, 2, 3]);

        using (var log = LogTestData.Open(path, config, _time))
        {
            var offsets = LogTestData.ReadAll(log, 0).Select(r => r.Offset).ToList();
            Assert.Equal(keptOffsets, offsets.Where(o => o < thirdBase));
            Assert.Equal(Enumerable.Range((int)thirdBase, (int)(log.LogEndOffset - thirdBase)).Select(o => (long)o), offsets.Where(o => o >= thirdBase));
            Assert.True(log.LogEndOffset >= end);
            Assert.Empty(Directory.GetFiles(path, "*.swap"));
            Assert.Empty(Directory.GetFiles(path, "*.cleaned"));
            Assert.Empty(Directory.GetFiles(path, "*.deleted"));
        }
    }
}
