using System.Buffers.Binary;
using System.Text;

namespace ChatStreams.Kafka.Broker.Protocol;

/// <summary>
/// Writes Kafka protocol primitives into a growable buffer. The first 4 bytes are reserved for the
/// frame's size prefix, filled in by <see cref="ToFrame"/>.
/// </summary>
public sealed class KafkaWriter
{
    private byte[] _buffer;

    public KafkaWriter(int capacity = 256)
    {
        _buffer = new byte[Math.Max(capacity, 16)];
        Length = 4;
    }

    public int Length { get; private set; }

    /// <summary>Bytes the buffer holds before it must grow again.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>
    /// Makes room for <paramref name="count"/> more bytes at once. A writer that knows its size up front (a fetch
    /// response, mostly record bytes) grows once instead of doubling its way there: the doubling copied and discarded
    /// about twice the response, the largest share of what the broker allocated.
    /// </summary>
    public void Reserve(int count)
    {
        if (Length + count > _buffer.Length) System.Array.Resize(ref _buffer, Length + count);
    }

    private Span<byte> Grow(int count)
    {
        if (Length + count > _buffer.Length)
            System.Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + count));
        var span = _buffer.AsSpan(Length, count);
        Length += count;
        return span;
    }

    public void Int8(sbyte v) => Grow(1)[0] = (byte)v;
    public void Bool(bool v) => Grow(1)[0] = v ? (byte)1 : (byte)0;
    public void Int16(short v) => BinaryPrimitives.WriteInt16BigEndian(Grow(2), v);
    public void Int32(int v) => BinaryPrimitives.WriteInt32BigEndian(Grow(4), v);
    public void Int64(long v) => BinaryPrimitives.WriteInt64BigEndian(Grow(8), v);
    public void Uuid(Guid v) => KafkaUuid.Write(Grow(16), v);

    public void UVarint(uint v)
    {
        while (v >= 0x80)
        {
            Grow(1)[0] = (byte)(v | 0x80);
            v >>= 7;
        }
        Grow(1)[0] = (byte)v;
    }

    private void Length32(bool flexible, int length)
    {
        if (flexible) UVarint((uint)(length + 1));
        else Int32(length);
    }

    public void String(string? value, bool flexible)
    {
        if (value is null)
        {
            if (flexible) UVarint(0); else Int16(-1);
            return;
        }
        var count = Encoding.UTF8.GetByteCount(value);
        if (flexible) UVarint((uint)count + 1); else Int16((short)count);
        Encoding.UTF8.GetBytes(value, Grow(count));
    }

    public void Bytes(ReadOnlySpan<byte> value, bool flexible)
    {
        Length32(flexible, value.Length);
        value.CopyTo(Grow(value.Length));
    }

    public void NullBytes(bool flexible)
    {
        if (flexible) UVarint(0); else Int32(-1);
    }

    public void NullableBytes(byte[]? value, bool flexible)
    {
        if (value is null) NullBytes(flexible); else Bytes(value, flexible);
    }

    public void ArrayLength(int count, bool flexible) => Length32(flexible, count);

    public void Array<T>(IReadOnlyCollection<T>? items, bool flexible, Action<KafkaWriter, T> element)
    {
        if (items is null) { Length32(flexible, -1); return; }
        Length32(flexible, items.Count);
        foreach (var item in items) element(this, item);
    }

    /// <summary>An empty tagged-field section (flexible versions only).</summary>
    public void TaggedFields(bool flexible)
    {
        if (flexible) UVarint(0);
    }

    /// <summary>The finished frame: size prefix + body.</summary>
    public ReadOnlyMemory<byte> ToFrame()
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer, Length - 4);
        return _buffer.AsMemory(0, Length);
    }
}
