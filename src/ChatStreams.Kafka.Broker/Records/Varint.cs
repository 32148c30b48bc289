namespace ChatStreams.Kafka.Broker.Records;

/// <summary>
/// Zig-zag varints as records use them (protobuf style: 7 bits per byte, low group first).
/// Readers return false on truncated or over-long input instead of throwing, so hostile bytes stay cheap.
/// </summary>
public static class Varint
{
    public static bool TryReadInt32(ReadOnlySpan<byte> source, ref int position, out int value)
    {
        if (!TryReadUnsigned(source, ref position, 5, out ulong raw) || raw > uint.MaxValue)
        {
            value = 0;
            return false;
        }
        uint u = (uint)raw;
        value = (int)(u >> 1) ^ -(int)(u & 1);
        return true;
    }

    public static bool TryReadInt64(ReadOnlySpan<byte> source, ref int position, out long value)
    {
        if (!TryReadUnsigned(source, ref position, 10, out ulong raw))
        {
            value = 0;
            return false;
        }
        value = (long)(raw >> 1) ^ -(long)(raw & 1);
        return true;
    }

    public static int SizeOfInt32(int value) => SizeOfUnsigned((uint)((value << 1) ^ (value >> 31)));

    public static int SizeOfInt64(long value) => SizeOfUnsigned((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="destination"/>; returns bytes written.</summary>
    public static int WriteInt32(Span<byte> destination, int value) =>
        WriteUnsigned(destination, (uint)((value << 1) ^ (value >> 31)));

    public static int WriteInt64(Span<byte> destination, long value) =>
        WriteUnsigned(destination, (ulong)((value << 1) ^ (value >> 63)));

    private static bool TryReadUnsigned(ReadOnlySpan<byte> source, ref int position, int maxBytes, out ulong value)
    {
        value = 0;
        int shift = 0;
        for (int i = 0; i < maxBytes; i++)
        {
            if (position >= source.Length) return false;
            byte b = source[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return true;
            shift += 7;
        }
        return false;
    }

    private static int SizeOfUnsigned(ulong value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }

    private static int WriteUnsigned(Span<byte> destination, ulong value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i++] = (byte)value;
        return i;
    }
}
