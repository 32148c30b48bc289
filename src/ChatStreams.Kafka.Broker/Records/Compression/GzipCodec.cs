using System.IO.Compression;

namespace ChatStreams.Kafka.Broker.Records.Compression;

/// <summary>gzip (RFC 1952) as Kafka's codec 1; concatenated gzip members are read as one stream.</summary>
internal static class GzipCodec
{
    public static unsafe void Decompress(ReadOnlySpan<byte> input, PooledBuffer output)
    {
        fixed (byte* pointer = input)
        {
            using var source = new UnmanagedMemoryStream(pointer, input.Length);
            using var gzip = new GZipStream(source, CompressionMode.Decompress);
            while (true)
            {
                int read = gzip.Read(output.GetSpan(64 * 1024));
                if (read == 0) break;
                output.Advance(read);
                DecompressionLimit.Check(output.WrittenCount, CompressionType.Gzip);
            }
        }
    }

    public static void Compress(ReadOnlySpan<byte> input, PooledBuffer output)
    {
        using var target = new MemoryStream(input.Length / 2 + 64);
        using (var gzip = new GZipStream(target, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(input);
        output.Write(target.GetBuffer().AsSpan(0, (int)target.Length));
    }
}
