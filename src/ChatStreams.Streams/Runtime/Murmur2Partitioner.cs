namespace ChatStreams.Streams.Runtime;

/// <summary>
/// The Java client's default key partitioner: murmur2 of the serialized key, sign bit cleared, modulo the
/// partition count. Every co-partitioned input must use it, so records written by Java, librdkafka
/// (murmur2_random) or this runtime land on the same partition for the same key.
/// </summary>
public static class Murmur2Partitioner
{
    /// <summary>The partition of a non-null serialized key among <paramref name="partitionCount"/> partitions.</summary>
    public static int Partition(ReadOnlySpan<byte> keyBytes, int partitionCount)
    {
        if (partitionCount < 1) throw new ArgumentOutOfRangeException(nameof(partitionCount), partitionCount, "a topic has at least one partition");
        return ToPositive(Murmur2(keyBytes)) % partitionCount;
    }

    /// <summary>Kafka's Utils.toPositive: masks the sign bit (not Math.Abs, which differs for int.MinValue).</summary>
    public static int ToPositive(int number) => number & 0x7fffffff;

    /// <summary>Kafka's Utils.murmur2 (32-bit MurmurHash2, seed 0x9747b28c, little-endian blocks).</summary>
    public static int Murmur2(ReadOnlySpan<byte> data)
    {
        unchecked
        {
            const int m = 0x5bd1e995;
            const int r = 24;
            var length = data.Length;
            var h = (int)0x9747b28c ^ length;
            var blocks = length / 4;
            for (var i = 0; i < blocks; i++)
            {
                var at = i * 4;
                var k = data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24);
                k *= m;
                k ^= (int)((uint)k >> r);
                k *= m;
                h *= m;
                h ^= k;
            }

            var tail = length & ~3;
            switch (length % 4)
            {
                case 3:
                    h ^= data[tail + 2] << 16;
                    goto case 2;
                case 2:
                    h ^= data[tail + 1] << 8;
                    goto case 1;
                case 1:
                    h ^= data[tail];
                    h *= m;
                    break;
            }

            h ^= (int)((uint)h >> 13);
            h *= m;
            h ^= (int)((uint)h >> 15);
            return h;
        }
    }
}
