using System.Buffers.Binary;
using K4os.Compression.LZ4;

namespace ChatStreams.Kafka.Broker.Records.Compression;

/// <summary>
/// LZ4 as Kafka's codec 3: the LZ4 *frame* format (magic 0x184D2204), not bare blocks. The reader accepts
/// what Java (64 KiB independent blocks, no checksums) and librdkafka (lz4f: optional content size and
/// content checksum) write, including linked blocks, block checksums and skippable frames.
/// </summary>
internal static class Lz4FrameCodec
{
    private const uint FrameMagic = 0x184D2204;
    private const uint SkippableMagicMask = 0xFFFFFFF0;
    private const uint SkippableMagic = 0x184D2A50;
    private const int BlockSize = 64 * 1024;
    private const int LinkedWindow = 64 * 1024;

    public static void Decompress(ReadOnlySpan<byte> input, PooledBuffer output)
    {
        int position = 0;
        while (position < input.Length)
        {
            uint magic = ReadUInt32(input, ref position);
            if ((magic & SkippableMagicMask) == SkippableMagic)
            {
                uint skip = ReadUInt32(input, ref position);
                if (skip > (uint)(input.Length - position)) throw Corrupt("a skippable frame runs past the end");
                position += (int)skip;
                continue;
            }
            if (magic != FrameMagic) throw Corrupt($"the frame magic is 0x{magic:X8}, expected 0x{FrameMagic:X8}");
            DecompressFrame(input, ref position, output);
        }
    }

    public static void Compress(ReadOnlySpan<byte> input, PooledBuffer output)
    {
        Span<byte> header = stackalloc byte[7];
        BinaryPrimitives.WriteUInt32LittleEndian(header, FrameMagic);
        header[4] = 0x60; // version 01, independent blocks, no checksums, no content size
        header[5] = 0x40; // 64 KiB maximum block size
        header[6] = (byte)((XxHash32.Hash(header.Slice(4, 2)) >> 8) & 0xFF);
        output.Write(header);

        for (int start = 0; start < input.Length; start += BlockSize)
        {
            var block = input.Slice(start, Math.Min(BlockSize, input.Length - start));
            var target = output.GetSpan(4 + LZ4Codec.MaximumOutputSize(block.Length));
            int encoded = LZ4Codec.Encode(block, target[4..]);
            if (encoded <= 0 || encoded >= block.Length)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)block.Length | 0x80000000u);
                block.CopyTo(target[4..]);
                output.Advance(4 + block.Length);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)encoded);
                output.Advance(4 + encoded);
            }
        }
        BinaryPrimitives.WriteUInt32LittleEndian(output.GetSpan(4), 0);
        output.Advance(4);
    }

    private static void DecompressFrame(ReadOnlySpan<byte> input, ref int position, PooledBuffer output)
    {
        if (input.Length - position < 3) throw Corrupt("the frame descriptor is cut short");
        byte flags = input[position];
        byte blockDescriptor = input[position + 1];
        if ((flags >> 6) != 1) throw Corrupt($"frame version {flags >> 6} is not supported");
        bool independent = (flags & 0x20) != 0;
        bool blockChecksums = (flags & 0x10) != 0;
        bool hasContentSize = (flags & 0x08) != 0;
        bool contentChecksum = (flags & 0x04) != 0;
        if ((flags & 0x01) != 0) throw Corrupt("frames that need a dictionary are not supported");
        int maxBlock = ((blockDescriptor >> 4) & 0x7) switch
        {
            4 => 64 * 1024,
            5 => 256 * 1024,
            6 => 1024 * 1024,
            7 => 4 * 1024 * 1024,
            var other => throw Corrupt($"block size code {other} is not valid"),
        };

        int descriptorLength = 2 + (hasContentSize ? 8 : 0);
        if (input.Length - position < descriptorLength + 1) throw Corrupt("the frame descriptor is cut short");
        long contentSize = hasContentSize ? BinaryPrimitives.ReadInt64LittleEndian(input[(position + 2)..]) : -1;
        // The header check byte is not verified: the batch CRC already covers these bytes, and old Kafka
        // clients are known to have computed it over the wrong range.
        position += descriptorLength + 1;

        int frameStart = output.WrittenCount;
        while (true)
        {
            uint blockHeader = ReadUInt32(input, ref position);
            if (blockHeader == 0) break;
            bool stored = (blockHeader & 0x80000000u) != 0;
            int length = (int)(blockHeader & 0x7FFFFFFFu);
            if (length > maxBlock || length > input.Length - position)
                throw Corrupt($"a block claims {length} bytes (maximum {maxBlock}, {input.Length - position} remain)");
            var block = input.Slice(position, length);
            position += length;
            if (blockChecksums)
            {
                uint expected = ReadUInt32(input, ref position);
                if (XxHash32.Hash(block) != expected) throw Corrupt("a block checksum does not match");
            }

            if (stored)
            {
                output.Write(block);
            }
            else
            {
                var target = output.GetSpan(maxBlock)[..maxBlock];
                int decoded;
                if (independent)
                {
                    decoded = LZ4Codec.Decode(block, target);
                }
                else
                {
                    var written = output.WrittenSpan;
                    int windowStart = Math.Max(frameStart, written.Length - LinkedWindow);
                    decoded = LZ4Codec.Decode(block, target, written[windowStart..]);
                }
                if (decoded < 0) throw Corrupt("a block is not valid LZ4 data");
                output.Advance(decoded);
            }
            DecompressionLimit.Check(output.WrittenCount, CompressionType.Lz4);
        }

        var content = output.WrittenSpan[frameStart..];
        if (contentChecksum)
        {
            uint expected = ReadUInt32(input, ref position);
            if (XxHash32.Hash(content) != expected) throw Corrupt("the content checksum does not match");
        }
        if (hasContentSize && contentSize != content.Length)
            throw Corrupt($"the frame declares {contentSize} bytes of content but holds {content.Length}");
    }

    private static uint ReadUInt32(ReadOnlySpan<byte> input, ref int position)
    {
        if (input.Length - position < 4) throw Corrupt("the frame ends in the middle of a field");
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(input[position..]);
        position += 4;
        return value;
    }

    private static CorruptRecordException Corrupt(string what) =>
        new($"The LZ4 records of a batch are not a valid LZ4 frame: {what}.");
}
