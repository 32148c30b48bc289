using System.Buffers.Binary;
using ChatStreams.Kafka.Broker.Records;

namespace ChatStreams.Kafka.Broker.Tests.Records;

/// <summary>Helpers that build batches and corrupt them in precise ways.</summary>
internal static class TestBatch
{
    public static byte[] Of(int records, CompressionType codec = CompressionType.None, long timestamp = 1_000, bool keys = true)
    {
        using var builder = new RecordBatchBuilder(codec);
        for (int i = 0; i < records; i++)
            builder.Add(keys ? BitConverter.GetBytes(i) : null, new byte[] { (byte)i, 1, 2 }, timestamp + i);
        return builder.Build();
    }

    /// <summary>Writes a 16-bit big-endian field and fixes the CRC (to test rules other than the CRC).</summary>
    public static byte[] WithInt16(byte[] batch, int position, short value)
    {
        var copy = batch.ToArray();
        BinaryPrimitives.WriteInt16BigEndian(copy.AsSpan(position), value);
        RecordBatchBuilder.UpdateCrc(copy);
        return copy;
    }

    public static byte[] WithInt32(byte[] batch, int position, int value)
    {
        var copy = batch.ToArray();
        BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(position), value);
        RecordBatchBuilder.UpdateCrc(copy);
        return copy;
    }

    public static byte[] Concat(params byte[][] batches) => batches.SelectMany(b => b).ToArray();
}
