namespace ChatStreams.Kafka.Broker.Records.Compression;

/// <summary>
/// Upper bound on the decompressed records of one batch. A batch is at most max.message.bytes compressed,
/// but a hostile producer can send a tiny "zip bomb"; past this size the batch is reported corrupt
/// instead of exhausting memory.
/// </summary>
internal static class DecompressionLimit
{
    public const int MaxBytes = 256 * 1024 * 1024;

    public static void Check(int decompressedBytes, CompressionType codec)
    {
        if (decompressedBytes > MaxBytes)
            throw new CorruptRecordException(
                $"The {codec} records of a batch decompress to more than {MaxBytes / (1024 * 1024)} MiB; " +
                "send smaller batches.");
    }
}
