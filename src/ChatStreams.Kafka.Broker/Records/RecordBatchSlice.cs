using System.Buffers.Binary;

namespace ChatStreams.Kafka.Broker.Records;

/// <summary>One batch inside a records field: its parsed header and its bytes.</summary>
public readonly ref struct RecordBatchSlice
{
    public RecordBatchHeader Header { get; init; }
    public ReadOnlySpan<byte> Bytes { get; init; }

    /// <summary>Position of the batch within the records field.</summary>
    public int Position { get; init; }
}

/// <summary>
/// Splits a records field (a Produce request's, a Fetch response's) into batches by their length fields.
/// Throws <see cref="CorruptRecordException"/> on bad framing; validate first when the bytes come from a client.
/// </summary>
public ref struct RecordBatchEnumerator
{
    private readonly ReadOnlySpan<byte> _records;
    private int _position;

    public RecordBatchEnumerator(ReadOnlySpan<byte> records)
    {
        _records = records;
        _position = 0;
        Current = default;
    }

    public RecordBatchSlice Current { get; private set; }

    public readonly RecordBatchEnumerator GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_position >= _records.Length) return false;
        var remaining = _records[_position..];
        if (remaining.Length < RecordBatchLayout.HeaderSize)
            throw new CorruptRecordException($"{remaining.Length} bytes at position {_position} are too few for a batch header.");
        int batchLength = BinaryPrimitives.ReadInt32BigEndian(remaining[RecordBatchLayout.BatchLength..]);
        if (batchLength < RecordBatchLayout.MinBatchLength || batchLength > remaining.Length - RecordBatchLayout.LogOverhead)
            throw new CorruptRecordException($"The batch at position {_position} declares length {batchLength}, which does not fit.");
        var bytes = remaining[..(RecordBatchLayout.LogOverhead + batchLength)];
        Current = new RecordBatchSlice { Header = RecordBatchHeader.Parse(bytes), Bytes = bytes, Position = _position };
        _position += bytes.Length;
        return true;
    }
}

public static class RecordBatches
{
    /// <summary><c>foreach (var batch in RecordBatches.Split(records))</c></summary>
    public static RecordBatchEnumerator Split(ReadOnlySpan<byte> records) => new(records);
}
