namespace ChatStreams.Kafka.Broker.Records;

/// <summary>
/// Where the fields of one record lie inside a batch's (decompressed) records block: length varint,
/// attributes int8, timestampDelta varlong, offsetDelta varint, key, value, headers. Positions index the
/// block, so callers slice their own span (no span escapes through out parameters).
/// </summary>
internal readonly struct RawRecord
{
    public long TimestampDelta { get; init; }
    public int OffsetDelta { get; init; }
    public int KeyStart { get; init; }

    /// <summary>-1 for a null key.</summary>
    public int KeyLength { get; init; }

    public int ValueStart { get; init; }

    /// <summary>-1 for a null value (a tombstone).</summary>
    public int ValueLength { get; init; }

    public int HeaderCount { get; init; }
    public int HeadersStart { get; init; }
    public int HeadersLength { get; init; }

    public bool HasKey => KeyLength >= 0;
    public bool HasValue => ValueLength >= 0;

    public ReadOnlySpan<byte> Key(ReadOnlySpan<byte> records) => HasKey ? records.Slice(KeyStart, KeyLength) : default;
    public ReadOnlySpan<byte> Value(ReadOnlySpan<byte> records) => HasValue ? records.Slice(ValueStart, ValueLength) : default;
    public ReadOnlySpan<byte> Headers(ReadOnlySpan<byte> records) => records.Slice(HeadersStart, HeadersLength);

    /// <summary>
    /// Decodes the record at <paramref name="position"/> and moves past it. Returns a reason when the bytes
    /// are not a well-formed record (never throws), so validation can report it cheaply.
    /// </summary>
    public static string? TryDecode(ReadOnlySpan<byte> records, ref int position, out RawRecord record)
    {
        record = default;
        if (!Varint.TryReadInt32(records, ref position, out int length)) return "a record length is not a valid varint";
        if (length < 1 || length > records.Length - position)
            return $"a record claims {length} bytes but {records.Length - position} remain";

        int end = position + length;
        var body = records[..end];
        int p = position + 1; // attributes byte: unused in v2
        position = end;
        if (!Varint.TryReadInt64(body, ref p, out long timestampDelta)) return "a record timestamp delta is not a valid varint";
        if (!Varint.TryReadInt32(body, ref p, out int offsetDelta)) return "a record offset delta is not a valid varint";
        if (ReadBytes(body, ref p, out int keyStart, out int keyLength) is { } keyError) return "record key: " + keyError;
        if (ReadBytes(body, ref p, out int valueStart, out int valueLength) is { } valueError) return "record value: " + valueError;
        if (!Varint.TryReadInt32(body, ref p, out int headerCount) || headerCount < 0) return "a record header count is invalid";

        int headersStart = p;
        for (int i = 0; i < headerCount; i++)
        {
            if (ReadBytes(body, ref p, out _, out int headerKeyLength) is { } headerKeyError) return "header key: " + headerKeyError;
            if (headerKeyLength < 0) return "a record header has a null key";
            if (ReadBytes(body, ref p, out _, out _) is { } headerValueError) return "header value: " + headerValueError;
        }
        if (p != end) return $"a record's fields end at byte {p - (end - length)} but its length says {length}";

        record = new RawRecord
        {
            TimestampDelta = timestampDelta,
            OffsetDelta = offsetDelta,
            KeyStart = keyStart,
            KeyLength = keyLength,
            ValueStart = valueStart,
            ValueLength = valueLength,
            HeaderCount = headerCount,
            HeadersStart = headersStart,
            HeadersLength = end - headersStart,
        };
        return null;
    }

    /// <summary>Reads a varint length (-1 = null) and skips that many bytes; reports where they are.</summary>
    internal static string? ReadBytes(ReadOnlySpan<byte> source, ref int position, out int start, out int length)
    {
        start = position;
        if (!Varint.TryReadInt32(source, ref position, out length)) return "the length is not a valid varint";
        start = position;
        if (length == -1) return null;
        if (length < -1 || length > source.Length - position) return $"the length {length} does not fit the record";
        position += length;
        return null;
    }
}
