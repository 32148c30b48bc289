using System.Buffers.Binary;
using System.Text;

namespace ChatStreams.Kafka.Broker.Protocol;

/// <summary>
/// Reads Kafka protocol primitives from one request body. Every read is bounds-checked and throws
/// <see cref="MalformedRequestException"/> so a bad request becomes an error response, never a crash.
/// The <c>flexible</c> arguments select the compact encodings of KIP-482 (flexible versions).
/// </summary>
public sealed class KafkaReader
{
    private readonly byte[] _buffer;
    private readonly int _end;

    public KafkaReader(byte[] buffer, int offset, int count)
    {
        _buffer = buffer;
        Position = offset;
        _end = offset + count;
    }

    public int Position { get; private set; }
    public int Remaining => _end - Position;
    public byte[] Buffer => _buffer;

    private int Take(int count)
    {
        if (count < 0 || count > Remaining)
            throw new MalformedRequestException($"request ends early: needed {count} bytes, {Remaining} left");
        var at = Position;
        Position += count;
        return at;
    }

    public sbyte Int8() => (sbyte)_buffer[Take(1)];
    public bool Bool() => _buffer[Take(1)] != 0;
    public short Int16() => BinaryPrimitives.ReadInt16BigEndian(_buffer.AsSpan(Take(2)));
    public int Int32() => BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(Take(4)));
    public long Int64() => BinaryPrimitives.ReadInt64BigEndian(_buffer.AsSpan(Take(8)));
    public uint UInt32() => BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(Take(4)));
    public Guid Uuid() => KafkaUuid.Read(_buffer.AsSpan(Take(16)));

    public uint UVarint()
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = _buffer[Take(1)];
            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new MalformedRequestException("unsigned varint longer than 5 bytes");
    }

    /// <summary>Length of a string/bytes/array: compact (uvarint n+1, 0 = null → -1) or classic.</summary>
    private int Length(bool flexible, bool int32Classic)
    {
        if (flexible) return (int)UVarint() - 1;
        return int32Classic ? Int32() : Int16();
    }

    public string? NullableString(bool flexible)
    {
        var length = Length(flexible, int32Classic: false);
        if (length < 0) return null;
        return Encoding.UTF8.GetString(_buffer, Take(length), length);
    }

    public string String(bool flexible) =>
        NullableString(flexible) ?? throw new MalformedRequestException("a non-nullable string was null");

    public byte[]? NullableBytes(bool flexible)
    {
        var length = Length(flexible, int32Classic: true);
        if (length < 0) return null;
        return _buffer.AsSpan(Take(length), length).ToArray();
    }

    /// <summary>Bytes as a window of the request buffer (no copy): used for record batches.</summary>
    public ArraySegment<byte>? NullableBytesSegment(bool flexible)
    {
        var length = Length(flexible, int32Classic: true);
        if (length < 0) return null;
        return new ArraySegment<byte>(_buffer, Take(length), length);
    }

    /// <summary>Array element count; -1 for a null array.</summary>
    public int ArrayLength(bool flexible)
    {
        var n = Length(flexible, int32Classic: true);
        // Each element takes at least one byte: a larger count is a lie that would allocate unbounded memory.
        if (n > Remaining) throw new MalformedRequestException($"array of {n} elements in {Remaining} bytes");
        return n;
    }

    public List<T> Array<T>(bool flexible, Func<KafkaReader, T> element)
    {
        var n = ArrayLength(flexible);
        var list = new List<T>(Math.Max(n, 0));
        for (var i = 0; i < n; i++) list.Add(element(this));
        return list;
    }

    /// <summary>Skips the tagged-field section of a flexible struct (we know no tags yet).</summary>
    public void TaggedFields(bool flexible)
    {
        if (!flexible) return;
        var count = UVarint();
        for (var i = 0; i < count; i++)
        {
            UVarint();
            var size = (int)UVarint();
            Take(size);
        }
    }
}

public sealed class MalformedRequestException(string message) : Exception(message);
