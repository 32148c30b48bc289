using System.Buffers.Binary;
using Snappier;

namespace ChatStreams.Kafka.Broker.Records.Compression;

/// <summary>
/// Snappy as Kafka's codec 2. Two framings exist in the wild: the Java client writes xerial's
/// SnappyOutputStream format (a 16-byte header, then blocks each prefixed by a big-endian int32 length),
/// librdkafka writes one raw snappy block. Both Java and librdkafka read both, so the reader detects the
/// xerial magic and falls back to raw; the writer uses xerial framing like the Java broker would.
/// </summary>
internal static class SnappyCodec
{
    private static ReadOnlySpan<byte> XerialMagic => [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0];
    private const int XerialHeaderSize = 16;
    private const int XerialBlockSize = 32 * 1024;

    public static void Decompress(ReadOnlySpan<byte> input, PooledBuffer output)
    {
        if (input.Length >= XerialHeaderSize && input[..XerialMagic.Length].SequenceEqual(XerialMagic))
        {
            int position = XerialHeaderSize;
            while (position < input.Length)
            {
                if (input.Length - position < 4)
                    throw new CorruptRecordException("A snappy (xerial) block length is cut short.");
                int length = BinaryPrimitives.ReadInt32BigEndian(input[position..]);
                position += 4;
                if (length < 0 || length > input.Length - position)
                    throw new CorruptRecordException($"A snappy (xerial) block claims {length} bytes but only {input.Length - position} remain.");
                DecompressBlock(input.Slice(position, length), output);
                position += length;
            }
            return;
        }
        DecompressBlock(input, output);
    }

    public static void Compress(ReadOnlySpan<byte> input, PooledBuffer output)
    {
        output.Write(XerialMagic);
        Span<byte> versions = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(versions, 1);
        BinaryPrimitives.WriteInt32BigEndian(versions[4..], 1);
        output.Write(versions);
        for (int start = 0; start < input.Length; start += XerialBlockSize)
        {
            var block = input.Slice(start, Math.Min(XerialBlockSize, input.Length - start));
            var target = output.GetSpan(4 + Snappy.GetMaxCompressedLength(block.Length));
            int written = Snappy.Compress(block, target[4..]);
            BinaryPrimitives.WriteInt32BigEndian(target, written);
            output.Advance(4 + written);
        }
    }

    private static void DecompressBlock(ReadOnlySpan<byte> block, PooledBuffer output)
    {
        int length = Snappy.GetUncompressedLength(block);
        DecompressionLimit.Check(output.WrittenCount + length, CompressionType.Snappy);
        int written = Snappy.Decompress(block, output.GetSpan(length)[..length]);
        output.Advance(written);
    }
}
