using ChatStreams.Kafka.Broker.Records;
using ChatStreams.Kafka.Broker.Storage;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Tests.Storage;

public sealed class PartitionLogRecoveryTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string ActiveLogFile(string path) => Directory.GetFiles(path, "*.log").Order().Last();

    /// <summary>Appends ten 3-record batches and crashes; returns the size of each batch.</summary>
    private int[] WriteAndCrash(string path, LogConfig? config = null)
    {
        var log = LogTestData.Open(path, config);
        var sizes = new int[10];
        for (int i = 0; i < 10; i++)
        {
            var batch = LogTestData.Batch(3, firstKey: i * 3);
            sizes[i] = batch.Length;
            log.Append(batch);
        }
        log.SimulateCrash();
        return sizes;
    }

    [Fact]
    public void A_torn_last_batch_is_cut_and_offsets_continue_after_the_last_whole_one()
    {
        var path = _temp.Partition();
        var sizes = WriteAndCrash(path);
        var file = ActiveLogFile(path);
        long whole = sizes.Take(9).Sum();
        using (var stream = new FileStream(file, FileMode.Open)) stream.SetLength(whole + sizes[9] / 2);

        var logger = new CapturingLogger();
        using var log = LogTestData.Open(path, logger: logger);
        Assert.Equal(27, log.LogEndOffset);
        Assert.Equal(whole, new FileInfo(file).Length);
        Assert.Contains(logger.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains($"cut {sizes[9] / 2} bytes") && l.Message.Contains("offset 27"));

        Assert.Equal(27, log.Append(LogTestData.Batch(1)).FirstOffset);
        Assert.Equal(28, LogTestData.ReadAll(log, 0).Count);
    }

    [Fact]
    public void A_corrupt_crc_in_the_middle_cuts_from_that_batch_on()
    {
        var path = _temp.Partition();
        var sizes = WriteAndCrash(path);
        var file = ActiveLogFile(path);
        long fifth = sizes.Take(4).Sum();
        var bytes = File.ReadAllBytes(file);
        bytes[fifth + sizes[4] - 3] ^= 0xFF;
        File.WriteAllBytes(file, bytes);

        var logger = new CapturingLogger();
        using var log = LogTestData.Open(path, logger: logger);
        Assert.Equal(12, log.LogEndOffset);
        Assert.Contains(logger.Lines, l => l.Message.Contains("CRC"));
        var records = LogTestData.ReadAll(log, 0);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), records.Select(r => r.Offset));
    }

    [Fact]
    public void A_zero_filled_tail_is_cut()
    {
        var path = _temp.Partition();
        WriteAndCrash(path);
        using (var stream = new FileStream(ActiveLogFile(path), FileMode.Append)) stream.Write(new byte[4096]);

        using var log = LogTestData.Open(path);
        Assert.Equal(30, log.LogEndOffset);
        Assert.Equal(30, LogTestData.ReadAll(log, 0).Count);
    }

    [Fact]
    public void Without_damage_a_crash_loses_nothing_and_indexes_are_rebuilt()
    {
        var path = _temp.Partition();
        var config = new LogConfig { SegmentBytes = 400, IndexIntervalBytes = 64 };
        WriteAndCrash(path, config);
        foreach (var index in Directory.GetFiles(path, "*.index")) File.WriteAllBytes(index, [1, 2, 3]); // damaged indexes

        using var log = LogTestData.Open(path, config);
        Assert.Equal(30, log.LogEndOffset);
        for (long offset = 0; offset < 30; offset++)
        {
            using var slice = log.Read(offset, 1, long.MaxValue);
            Assert.InRange(offset, slice.FirstOffset, slice.NextOffset - 1);
        }
    }

    [Fact]
    public void A_cut_in_an_older_segment_drops_the_segments_after_it()
    {
        var path = _temp.Partition();
        var config = new LogConfig { SegmentBytes = 400 };
        WriteAndCrash(path, config);
        var segments = Directory.GetFiles(path, "*.log").Order().ToList();
        Assert.True(segments.Count >= 3);
        // No recovery-point checkpoint: every segment is scanned, and the damage is in the first one.
        File.Delete(Path.Combine(path, "recovery-point-offset-checkpoint"));
        var bytes = File.ReadAllBytes(segments[0]);
        bytes[^5] ^= 0xFF;
        File.WriteAllBytes(segments[0], bytes);

        using var log = LogTestData.Open(path, config);
        Assert.Equal(1, log.SegmentCount);
        var records = LogTestData.ReadAll(log, 0);
        Assert.Equal(log.LogEndOffset, records.Count);
        Assert.True(log.LogEndOffset < 30);
        Assert.Single(Directory.GetFiles(path, "*.log"));
    }

    [Fact]
    public void Recovered_logs_keep_accepting_appends_across_restarts()
    {
        var path = _temp.Partition();
        WriteAndCrash(path);
        using (var log = LogTestData.Open(path))
        {
            log.Append(LogTestData.Batch(5));
            log.SimulateCrash();
        }
        using (var log = LogTestData.Open(path))
        {
            Assert.Equal(35, log.LogEndOffset);
            Assert.True(log.Batches(0).All(b => b.Header.Magic == 2));
        }
    }
}
