using System.Text;
using ChatStreams.Kafka.Broker.Records;

namespace ChatStreams.Kafka.Broker.Tests.Records;

public sealed class RecordRoundTripTests
{
    public static TheoryData<CompressionType> Codecs => new()
    {
        CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd,
    };

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Built_batches_validate_and_read_back_exactly(CompressionType codec)
    {
        var headers = new List<RecordHeader> { new("trace", Encoding.UTF8.GetBytes("abc")), new("empty", null) };
        using var builder = new RecordBatchBuilder(codec) { BaseOffset = 7 };
        builder.Add(Encoding.UTF8.GetBytes("k0"), Encoding.UTF8.GetBytes("v0"), 1_700_000_000_000, headers);
        builder.Add(null, Encoding.UTF8.GetBytes("no key"), 1_700_000_000_010);
        builder.Add(Encoding.UTF8.GetBytes("k2"), null, 1_699_999_999_990); // tombstone, older timestamp
        builder.Add([], [], 1_700_000_000_005);
        var batch = builder.Build();

        var header = RecordBatchHeader.Parse(batch);
        Assert.Equal(codec, header.Compression);
        Assert.Equal(1_700_000_000_010, header.MaxTimestamp);
        Assert.True(RecordBatchValidator.Validate(batch, new RecordValidationOptions()).IsValid);

        var records = RecordReader.ReadAll(batch);
        Assert.Equal([7L, 8, 9, 10], records.Select(r => r.Offset));
        Assert.Equal("k0", Encoding.UTF8.GetString(records[0].Key!));
        Assert.Equal("v0", Encoding.UTF8.GetString(records[0].Value!));
        Assert.Equal(1_700_000_000_000, records[0].Timestamp);
        Assert.Equal(2, records[0].Headers.Count);
        Assert.Equal("abc", Encoding.UTF8.GetString(records[0].Headers[0].Value!));
        Assert.Null(records[0].Headers[1].Value);
        Assert.Null(records[1].Key);
        Assert.True(records[2].IsTombstone);
        Assert.Equal(1_699_999_999_990, records[2].Timestamp);
        Assert.Empty(records[3].Key!);
        Assert.Empty(records[3].Value!);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Large_batches_span_several_codec_blocks(CompressionType codec)
    {
        var random = new Random(42);
        using var builder = new RecordBatchBuilder(codec);
        var values = new List<byte[]>();
        for (int i = 0; i < 300; i++)
        {
            var value = new byte[1000 + i];
            // Half random, half repetitive: both compressible and stored blocks occur.
            if (i % 2 == 0) random.NextBytes(value);
            else Array.Fill(value, (byte)i);
            values.Add(value);
            builder.Add(BitConverter.GetBytes(i), value, 1000 + i);
        }
        var batch = builder.Build();
        Assert.True(RecordBatchValidator.Validate(batch, new RecordValidationOptions { MaxMessageBytes = int.MaxValue }).IsValid);
        var records = RecordReader.ReadAll(batch);
        Assert.Equal(300, records.Count);
        for (int i = 0; i < 300; i++) Assert.Equal(values[i], records[i].Value);
    }

    [Fact]
    public void Reader_gives_log_append_time_to_every_record()
    {
        using var builder = new RecordBatchBuilder();
        builder.Add([1], [1], 10).Add([2], [2], 20);
        var batch = builder.Build();
        RecordBatchBuilder.SetLogAppendTime(batch, 5000);

        Assert.True(RecordBatchHeader.HasValidCrc(batch));
        Assert.Equal(TimestampType.LogAppendTime, RecordBatchHeader.Parse(batch).TimestampType);
        Assert.All(RecordReader.ReadAll(batch), r => Assert.Equal(5000, r.Timestamp));
    }

    [Fact]
    public void Base_offset_and_leader_epoch_sit_outside_the_crc()
    {
        using var builder = new RecordBatchBuilder();
        var batch = builder.Add([1], [1], 10).Build();
        RecordBatchBuilder.SetBaseOffset(batch, 123456);
        RecordBatchBuilder.SetPartitionLeaderEpoch(batch, 7);

        Assert.True(RecordBatchHeader.HasValidCrc(batch));
        Assert.Equal(123456, RecordBatchHeader.Parse(batch).BaseOffset);
        Assert.Equal(123456, RecordReader.ReadAll(batch)[0].Offset);
    }

    [Fact]
    public void A_delete_horizon_moves_the_base_timestamp_but_not_record_times()
    {
        using var builder = new RecordBatchBuilder { DeleteHorizonMs = 9_000_000 };
        builder.Add([1], null, 1_000).Add([2], [2], 2_000);
        var batch = builder.Build();

        var header = RecordBatchHeader.Parse(batch);
        Assert.True(header.HasDeleteHorizon);
        Assert.Equal(9_000_000, header.DeleteHorizonMs);
        Assert.Equal(2_000, header.MaxTimestamp);
        Assert.Equal([1_000L, 2_000], RecordReader.ReadAll(batch).Select(r => r.Timestamp));
    }

    [Fact]
    public void Copying_record_views_keeps_offsets_timestamps_and_headers()
    {
        using var source = new RecordBatchBuilder(CompressionType.Gzip);
        source.Add([1], [10], 100, [new RecordHeader("h", [1])]).Add([2], [20], 200).Add([3], [30], 300);
        var original = source.Build();

        using var copy = new RecordBatchBuilder(CompressionType.Gzip) { LastOffsetDelta = 2 };
        using (var reader = RecordReader.Open(original))
            while (reader.TryRead(out var record))
                if (record.Offset != 1) copy.Add(record);
        var rewritten = copy.Build();

        var header = RecordBatchHeader.Parse(rewritten);
        Assert.Equal(2, header.RecordCount);
        Assert.Equal(2, header.LastOffsetDelta);
        var records = RecordReader.ReadAll(rewritten);
        Assert.Equal([0L, 2], records.Select(r => r.Offset));
        Assert.Equal([100L, 300], records.Select(r => r.Timestamp));
        Assert.Equal("h", Assert.Single(records[0].Headers).Key);
    }
}
