using System.Buffers.Binary;

namespace ChatStreams.Streams.State;

/// <summary>
/// How a TTL store lays out its bytes. Stored and changelog value: 8-byte big-endian write timestamp, then the
/// value bytes, so a restore rebuilds every expiry. Inside the bytes store two key spaces share one ordering:
/// data (0x00 + key) and an expiry index (0x01 + timestamp + key, empty value) that lets a purge read only the
/// expired entries, oldest first.
/// </summary>
internal static class TtlLayout
{
    private const byte DataSpace = 0x00;
    private const byte IndexSpace = 0x01;
    public const int TimestampBytes = 8;

    public static byte[] IndexPrefix { get; } = [IndexSpace];
    public static byte[] DataPrefix { get; } = [DataSpace];

    public static byte[] DataKey(byte[] key)
    {
        var b = new byte[1 + key.Length];
        b[0] = DataSpace;
        key.CopyTo(b, 1);
        return b;
    }

    public static byte[] KeyOfData(byte[] dataKey) => dataKey[1..];

    /// <summary>The sign bit is flipped so that negative timestamps sort before positive ones in byte order.</summary>
    public static byte[] IndexKey(long timestamp, byte[] key)
    {
        var b = new byte[1 + TimestampBytes + key.Length];
        b[0] = IndexSpace;
        BinaryPrimitives.WriteUInt64BigEndian(b.AsSpan(1), (ulong)timestamp ^ 0x8000_0000_0000_0000UL);
        key.CopyTo(b, 1 + TimestampBytes);
        return b;
    }

    public static (long Timestamp, byte[] Key) ParseIndexKey(byte[] indexKey) =>
        ((long)(BinaryPrimitives.ReadUInt64BigEndian(indexKey.AsSpan(1)) ^ 0x8000_0000_0000_0000UL), indexKey[(1 + TimestampBytes)..]);

    public static byte[] StoredValue(long timestamp, byte[] value)
    {
        var b = new byte[TimestampBytes + value.Length];
        BinaryPrimitives.WriteInt64BigEndian(b, timestamp);
        value.CopyTo(b, TimestampBytes);
        return b;
    }

    public static long TimestampOf(byte[] storedValue) => BinaryPrimitives.ReadInt64BigEndian(storedValue);

    public static ReadOnlySpan<byte> PayloadOf(byte[] storedValue) => storedValue.AsSpan(TimestampBytes);
}
