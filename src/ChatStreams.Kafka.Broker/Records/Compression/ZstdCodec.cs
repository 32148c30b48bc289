using System.Buffers;
using ZstdSharp;

namespace ChatStreams.Kafka.Broker.Records.Compression;

/// <summary>
/// Zstandard as Kafka's codec 4. Streaming decompression because producers may omit the content size
/// and may concatenate frames; contexts are cached per thread since creating one costs far more than
/// decompressing a small batch.
/// </summary>
internal static class ZstdCodec
{
    [ThreadStatic] private static Decompressor? t_decompressor;
    [ThreadStatic] private static Compressor? t_compressor;

    public static void Decompress(ReadOnlySpan<byte> input, PooledBuffer output)
    {
        var decompressor = t_decompressor ??= new Decompressor();
        decompressor.ResetStream();
        int position = 0;
        while (true)
        {
            var status = decompressor.UnwrapStream(input[position..], output.GetSpan(64 * 1024), out int consumed, out int written);
            position += consumed;
            output.Advance(written);
            DecompressionLimit.Check(output.WrittenCount, CompressionType.Zstd);
            switch (status)
            {
                case OperationStatus.Done when position >= input.Length:
                    return;
                case OperationStatus.Done:
                case OperationStatus.DestinationTooSmall:
                    continue;
                case OperationStatus.NeedMoreData when position >= input.Length:
                    throw new CorruptRecordException("The zstd records of a batch end in the middle of a frame.");
                case OperationStatus.NeedMoreData:
                    if (consumed == 0 && written == 0)
                        throw new CorruptRecordException("The zstd decoder made no progress on the records of a batch.");
                    continue;
                default:
                    throw new CorruptRecordException("The zstd records of a batch are not valid zstd data.");
            }
        }
    }

    public static void Compress(ReadOnlySpan<byte> input, PooledBuffer output)
    {
        var compressor = t_compressor ??= new Compressor(3);
        var target = output.GetSpan(Compressor.GetCompressBound(input.Length));
        output.Advance(compressor.Wrap(input, target));
    }
}
