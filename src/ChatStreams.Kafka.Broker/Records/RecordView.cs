using System.Text;

namespace ChatStreams.Kafka.Broker.Records;

/// <summary>A record read in place from a batch: spans into the (decompressed) batch, valid until the reader is disposed.</summary>
public readonly ref struct RecordView
{
    public long Offset { get; init; }
    public int OffsetDelta { get; init; }

    /// <summary>The record's timestamp; for LogAppendTime batches the batch's MaxTimestamp, as Kafka clients read it.</summary>
    public long Timestamp { get; init; }

    public bool HasKey { get; init; }
    public ReadOnlySpan<byte> Key { get; init; }
    public bool HasValue { get; init; }
    public ReadOnlySpan<byte> Value { get; init; }
    public int HeaderCount { get; init; }

    /// <summary>The encoded headers (count excluded), to copy a record without decoding its headers.</summary>
    public ReadOnlySpan<byte> HeadersData { get; init; }

    public bool IsTombstone => !HasValue;

    public RecordHeaderEnumerator Headers => new(HeadersData, HeaderCount);

    public KafkaRecord ToRecord()
    {
        var headers = new List<RecordHeader>(HeaderCount);
        foreach (var header in Headers)
            headers.Add(new RecordHeader(Encoding.UTF8.GetString(header.Key), header.HasValue ? header.Value.ToArray() : null));
        return new KafkaRecord(Offset, Timestamp, HasKey ? Key.ToArray() : null, HasValue ? Value.ToArray() : null, headers);
    }
}

/// <summary>One record header in place.</summary>
public readonly ref struct RecordHeaderView
{
    public ReadOnlySpan<byte> Key { get; init; }
    public bool HasValue { get; init; }
    public ReadOnlySpan<byte> Value { get; init; }
}

/// <summary>Walks a record's headers; the data was checked when the record was decoded.</summary>
public ref struct RecordHeaderEnumerator
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _count;
    private int _index;
    private int _position;

    internal RecordHeaderEnumerator(ReadOnlySpan<byte> data, int count)
    {
        _data = data;
        _count = count;
        _index = 0;
        _position = 0;
        Current = default;
    }

    public RecordHeaderView Current { get; private set; }

    public readonly RecordHeaderEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_index >= _count) return false;
        int position = _position;
        if (RawRecord.ReadBytes(_data, ref position, out int keyStart, out int keyLength) is not null || keyLength < 0 ||
            RawRecord.ReadBytes(_data, ref position, out int valueStart, out int valueLength) is not null)
            throw new CorruptRecordException("A record header cannot be decoded.");
        _position = position;
        Current = new RecordHeaderView
        {
            Key = _data.Slice(keyStart, keyLength),
            HasValue = valueLength >= 0,
            Value = valueLength >= 0 ? _data.Slice(valueStart, valueLength) : default,
        };
        _index++;
        return true;
    }
}
