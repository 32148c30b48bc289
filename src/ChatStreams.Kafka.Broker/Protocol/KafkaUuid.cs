using System.Buffers.Binary;

namespace ChatStreams.Kafka.Broker.Protocol;

/// <summary>Kafka's UUID is 16 big-endian bytes (most significant long first); Guid's own byte order differs.</summary>
public static class KafkaUuid
{
    public static Guid Read(ReadOnlySpan<byte> bytes) => new(bytes[..16], bigEndian: true);

    public static void Write(Span<byte> destination, Guid id)
    {
        if (!id.TryWriteBytes(destination, bigEndian: true, out _))
            throw new ArgumentException("destination too small for a UUID", nameof(destination));
    }

    /// <summary>A random id that is never the zero UUID nor Kafka's reserved METADATA_TOPIC_ID (…0001).</summary>
    public static Guid NewTopicId()
    {
        Span<byte> b = stackalloc byte[16];
        while (true)
        {
            var id = Guid.NewGuid();
            Write(b, id);
            if (BinaryPrimitives.ReadInt64BigEndian(b) != 0) return id;
        }
    }
}
