namespace ChatStreams.Kafka.Broker.Records.Compression;

/// <summary>Dispatches a batch's records block to its codec.</summary>
internal static class RecordCompression
{
    /// <summary>Appends the decompressed records to <paramref name="output"/>; any codec failure becomes a <see cref="CorruptRecordException"/>.</summary>
    public static void Decompress(CompressionType codec, ReadOnlySpan<byte> input, PooledBuffer output)
    {
        try
        {
            switch (codec)
            {
                case CompressionType.None: output.Write(input); break;
                case CompressionType.Gzip: GzipCodec.Decompress(input, output); break;
                case CompressionType.Snappy: SnappyCodec.Decompress(input, output); break;
                case CompressionType.Lz4: Lz4FrameCodec.Decompress(input, output); break;
                case CompressionType.Zstd: ZstdCodec.Decompress(input, output); break;
                default: throw new CorruptRecordException($"Compression codec {(int)codec} is not one Kafka defines (0-4).");
            }
        }
        catch (CorruptRecordException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException and not InsufficientMemoryException)
        {
            // Third-party decoders signal bad input with assorted exception types; to callers it is all one thing.
            throw new CorruptRecordException($"The {codec} records of a batch cannot be decompressed: {e.Message}");
        }
    }

    public static void Compress(CompressionType codec, ReadOnlySpan<byte> input, PooledBuffer output)
    {
        switch (codec)
        {
            case CompressionType.None: output.Write(input); break;
            case CompressionType.Gzip: GzipCodec.Compress(input, output); break;
            case CompressionType.Snappy: SnappyCodec.Compress(input, output); break;
            case CompressionType.Lz4: Lz4FrameCodec.Compress(input, output); break;
            case CompressionType.Zstd: ZstdCodec.Compress(input, output); break;
            default: throw new ArgumentOutOfRangeException(nameof(codec), codec, "Unknown compression codec.");
        }
    }
}
