using System.Text;
using Avro;

namespace ChatStreams.Contracts;

/// <summary>
/// Reads Avro binary (the spec's encoding: zig-zag varints, length-prefixed strings, union branch indexes, blocked
/// arrays and maps) straight from a span, and skips any value by its schema. For decoders that need a few fields of a
/// large record: Avro's datum readers build the whole object, strings and nested records included. Only for bytes
/// written with a schema the caller knows field by field (the analytics sink's delivery rows, the delivery router's
/// recipient device).
/// </summary>
/// <exception cref="InvalidDataException">The bytes end early or a length or varint is malformed.</exception>
public ref struct AvroSpanReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    /// <summary>Whether every byte has been read (a record read or skipped whole leaves nothing behind).</summary>
    public readonly bool AtEnd => _position == _data.Length;

    public long ReadLong()
    {
        ulong raw = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length) throw new InvalidDataException("an Avro varint runs past the end of the record");
            var b = _data[_position++];
            raw |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return (long)(raw >> 1) ^ -(long)(raw & 1);
        }
        throw new InvalidDataException("an Avro varint is longer than 10 bytes");
    }

    public string ReadString() => Encoding.UTF8.GetString(Take(Length()));

    /// <summary>An optional string: a union of null and string.</summary>
    public string? ReadOptionalString(Schema union) =>
        ReadBranch((UnionSchema)union).Tag == Schema.Type.Null ? null : ReadString();

    /// <summary>An optional long: a union of null and long.</summary>
    public long? ReadOptionalLong(Schema union) =>
        ReadBranch((UnionSchema)union).Tag == Schema.Type.Null ? null : ReadLong();

    /// <summary>The branch of a union value (the value follows).</summary>
    public Schema ReadBranch(UnionSchema union)
    {
        var index = ReadLong();
        if (index < 0 || index >= union.Count) throw new InvalidDataException($"union branch {index} of a union of {union.Count}");
        return union[(int)index];
    }

    /// <summary>Skips one value of <paramref name="schema"/>.</summary>
    public void Skip(Schema schema)
    {
        switch (schema)
        {
            case LogicalSchema logical: Skip(logical.BaseSchema); return;
            case RecordSchema record:
                foreach (var field in record.Fields) Skip(field.Schema);
                return;
            case UnionSchema union: Skip(ReadBranch(union)); return;
            case FixedSchema @fixed: Take(@fixed.Size); return;
            case ArraySchema array: SkipBlocks(array.ItemSchema, null); return;
            case MapSchema map: SkipBlocks(map.ValueSchema, map); return;
        }
        switch (schema.Tag)
        {
            case Schema.Type.Null: return;
            case Schema.Type.Boolean: Take(1); return;
            case Schema.Type.Int or Schema.Type.Long or Schema.Type.Enumeration: ReadLong(); return;
            case Schema.Type.Float: Take(4); return;
            case Schema.Type.Double: Take(8); return;
            case Schema.Type.Bytes or Schema.Type.String: Take(Length()); return;
            default: throw new InvalidDataException($"cannot skip an Avro {schema.Tag}");
        }
    }

    /// <summary>Array items or map entries, in blocks: a count (negative: followed by the block's size in bytes), 0 ends.</summary>
    private void SkipBlocks(Schema items, MapSchema? map)
    {
        while (true)
        {
            var count = ReadLong();
            if (count == 0) return;
            if (count < 0)
            {
                Take(checked((int)ReadLong()));
                continue;
            }
            for (long i = 0; i < count; i++)
            {
                if (map is not null) Take(Length()); // the key
                Skip(items);
            }
        }
    }

    private int Length()
    {
        var length = ReadLong();
        if (length < 0 || length > _data.Length - _position) throw new InvalidDataException($"an Avro length of {length} with {_data.Length - _position} bytes left");
        return (int)length;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > _data.Length - _position) throw new InvalidDataException("an Avro value runs past the end of the record");
        var taken = _data.Slice(_position, count);
        _position += count;
        return taken;
    }
}
