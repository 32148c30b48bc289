using System.Buffers.Binary;
using ChatStreams.Kafka.Broker.Records;
using K4os.Compression.LZ4;

namespace ChatStreams.Kafka.Broker.Tests.Records;

/// <summary>The framings different clients use for the same codec must all read back.</summary>
public sealed class CodecFramingTests
{
    private static byte[] RecordsBlock(out List<KafkaRecord> expected)
    {
        var plain = TestBatch.Of(200);
        expected = RecordReader.ReadAll(plain);
        return plain[RecordBatchLayout.Records..];
    }

    private static byte[] WithBlock(CompressionType codec, byte[] compressed)
    {
        var header = TestBatch.Of(200)[..RecordBatchLayout.Records];
        var batch = TestBatch.Concat(header, compressed);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(RecordBatchLayout.BatchLength), batch.Length - RecordBatchLayout.LogOverhead);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(RecordBatchLayout.Attributes), (short)codec);
        RecordBatchBuilder.UpdateCrc(batch);
        return batch;
    }

    [Fact]
    public void Snappy_raw_blocks_as_librdkafka_writes_them()
    {
        var block = RecordsBlock(out var expected);
        var batch = WithBlock(CompressionType.Snappy, Snappier.Snappy.CompressToArray(block));
        Assert.True(RecordBatchValidator.Validate(batch, new RecordValidationOptions()).IsValid);
        Assert.Equal(expected.Select(r => r.Value), RecordReader.ReadAll(batch).Select(r => r.Value));
    }

    [Fact]
    public void Snappy_xerial_framing_as_the_java_client_writes_it()
    {
        using var builder = new RecordBatchBuilder(CompressionType.Snappy);
        builder.Add([1], new byte[100_000], 1); // more than one 32 KiB xerial block
        var batch = builder.Build();
        var records = batch.AsSpan(RecordBatchLayout.Records);
        Assert.Equal(new byte[] { 0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0 }, records[..8].ToArray());
        Assert.Equal(100_000, Assert.Single(RecordReader.ReadAll(batch)).Value!.Length);
    }

    [Fact]
    public void Lz4_frames_with_checksums_content_size_and_a_skippable_frame()
    {
        var block = RecordsBlock(out var expected);
        var frame = new List<byte>();
        // A skippable frame first (magic 0x184D2A50, 3 bytes of payload).
        frame.AddRange([0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 9, 9, 9]);
        frame.AddRange([0x04, 0x22, 0x4D, 0x18]);
        byte flags = 0x40 | 0x20 | 0x10 | 0x08 | 0x04; // v01, independent, block checksum, content size, content checksum
        var descriptor = new List<byte> { flags, 0x40 };
        descriptor.AddRange(BitConverter.GetBytes((long)block.Length));
        frame.AddRange(descriptor);
        frame.Add(0); // header check byte (not verified: the batch CRC covers it)
        for (int start = 0; start < block.Length; start += 1000)
        {
            var chunk = block.AsSpan(start, Math.Min(1000, block.Length - start));
            var encoded = new byte[LZ4Codec.MaximumOutputSize(chunk.Length)];
            int length = LZ4Codec.Encode(chunk, encoded);
            bool stored = start / 1000 % 3 == 2; // mix stored and compressed blocks
            var payload = stored ? chunk.ToArray() : encoded[..length];
            frame.AddRange(BitConverter.GetBytes((uint)payload.Length | (stored ? 0x80000000u : 0)));
            frame.AddRange(payload);
            frame.AddRange(BitConverter.GetBytes(Lz4Checksum(payload)));
        }
        frame.AddRange([0, 0, 0, 0]);
        frame.AddRange(BitConverter.GetBytes(Lz4Checksum(block)));

        var batch = WithBlock(CompressionType.Lz4, frame.ToArray());
        Assert.True(RecordBatchValidator.Validate(batch, new RecordValidationOptions()).IsValid);
        Assert.Equal(expected.Select(r => r.Value), RecordReader.ReadAll(batch).Select(r => r.Value));

        // A wrong content checksum is caught.
        var broken = frame.ToArray();
        broken[^1] ^= 1;
        Assert.Equal(RecordValidationError.CorruptMessage,
            RecordBatchValidator.Validate(WithBlock(CompressionType.Lz4, broken), new RecordValidationOptions()).Error);
    }

    [Fact]
    public void Lz4_frames_we_write_carry_the_correct_header_check_byte()
    {
        using var builder = new RecordBatchBuilder(CompressionType.Lz4);
        var frame = builder.Add([1], [2], 3).Build().AsSpan(RecordBatchLayout.Records);
        Assert.Equal(0x184D2204u, BinaryPrimitives.ReadUInt32LittleEndian(frame));
        Assert.Equal((byte)((Lz4Checksum(frame.Slice(4, 2).ToArray()) >> 8) & 0xFF), frame[6]);
    }

    [Fact]
    public void Zstd_frames_without_content_size_and_concatenated_frames()
    {
        var block = RecordsBlock(out var expected);
        using var compressor = new ZstdSharp.Compressor(3);
        var first = compressor.Wrap(block.AsSpan(0, 500)).ToArray();
        var second = compressor.Wrap(block.AsSpan(500)).ToArray();
        var batch = WithBlock(CompressionType.Zstd, TestBatch.Concat(first, second));
        Assert.Equal(expected.Select(r => r.Value), RecordReader.ReadAll(batch).Select(r => r.Value));
    }

    /// <summary>xxHash32 through the production code's header check (the Sarama vector's check byte is 185).</summary>
    private static uint Lz4Checksum(byte[] data) => ChatStreams.Kafka.Broker.Records.Compression.XxHash32.Hash(data);

    [Fact]
    public void XxHash32_matches_reference_values()
    {
        Assert.Equal(0x02CC5D05u, Lz4Checksum([]));
        Assert.Equal(185, (int)((Lz4Checksum([100, 112]) >> 8) & 0xFF));
    }
}
