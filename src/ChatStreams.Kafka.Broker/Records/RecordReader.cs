using System.Buffers;
using ChatStreams.Kafka.Broker.Records.Compression;

namespace ChatStreams.Kafka.Broker.Records;

/// <summary>
/// Reads the records of one batch, decompressing gzip, snappy (xerial or raw), lz4 (frame) or zstd into a
/// pooled buffer first. Use with <c>using</c>: disposing returns the buffer. Malformed input throws
/// <see cref="CorruptRecordException"/>.
/// </summary>
public ref struct RecordReader
{
    private readonly ReadOnlySpan<byte> _records;
    private byte[]? _rented;
    private int _position;
    private int _index;

    private RecordReader(RecordBatchHeader header, ReadOnlySpan<byte> records, byte[]? rented)
    {
        Header = header;
        _records = records;
        _rented = rented;
    }

    public RecordBatchHeader Header { get; }

    /// <summary>Opens the first batch in <paramref name="batch"/> (bytes past its TotalSize are ignored).</summary>
    public static RecordReader Open(ReadOnlySpan<byte> batch)
    {
        var header = RecordBatchHeader.Parse(batch);
        if (header.Magic != RecordBatchLayout.CurrentMagic)
            throw new CorruptRecordException($"Record batch magic is {header.Magic}; only magic 2 (record batch v2) is supported.");
        if (header.BatchLength < RecordBatchLayout.MinBatchLength || header.TotalSize > batch.Length)
            throw new CorruptRecordException($"Record batch length {header.BatchLength} does not fit the {batch.Length} bytes given.");
        if (header.RecordCount < 0) throw new CorruptRecordException($"Record batch claims {header.RecordCount} records.");
        if (!header.HasKnownCompression)
            throw new CorruptRecordException($"Compression codec {header.Attributes & RecordBatchLayout.CompressionMask} is not one Kafka defines (0-4).");

        var block = batch[RecordBatchLayout.Records..header.TotalSize];
        if (header.Compression == CompressionType.None || header.RecordCount == 0 && block.IsEmpty)
            return new RecordReader(header, block, null);

        var buffer = new PooledBuffer(block.Length * 4);
        try
        {
            RecordCompression.Decompress(header.Compression, block, buffer);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
        var array = buffer.Detach(out int length);
        return new RecordReader(header, array.AsSpan(0, length), array);
    }

    /// <summary>Reads the next record; false after the last. Throws when the records block is malformed.</summary>
    public bool TryRead(out RecordView record)
    {
        record = default;
        if (_index >= Header.RecordCount)
        {
            if (_position != _records.Length)
                throw new CorruptRecordException($"{_records.Length - _position} bytes remain after the {Header.RecordCount} records the batch declares.");
            return false;
        }

        int position = _position;
        if (RawRecord.TryDecode(_records, ref position, out var raw) is { } error)
            throw new CorruptRecordException($"Record {_index} of the batch at offset {Header.BaseOffset} is malformed: {error}.");
        _position = position;
        _index++;
        record = new RecordView
        {
            Offset = Header.BaseOffset + raw.OffsetDelta,
            OffsetDelta = raw.OffsetDelta,
            Timestamp = Header.TimestampType == TimestampType.LogAppendTime ? Header.MaxTimestamp : Header.BaseTimestamp + raw.TimestampDelta,
            HasKey = raw.HasKey,
            Key = raw.Key(_records),
            HasValue = raw.HasValue,
            Value = raw.Value(_records),
            HeaderCount = raw.HeaderCount,
            HeadersData = raw.Headers(_records),
        };
        return true;
    }

    public void Dispose()
    {
        if (_rented is not null) ArrayPool<byte>.Shared.Return(_rented);
        _rented = null;
    }

    /// <summary>Copies every record of the batch out (allocates; for tests, tools and cold paths).</summary>
    public static List<KafkaRecord> ReadAll(ReadOnlySpan<byte> batch)
    {
        using var reader = Open(batch);
        var records = new List<KafkaRecord>(Math.Min(reader.Header.RecordCount, 1 << 16));
        while (reader.TryRead(out var record)) records.Add(record.ToRecord());
        return records;
    }

    /// <summary>Reads the marker of a control batch (the first control record).</summary>
    public static ControlRecord ReadControlRecord(ReadOnlySpan<byte> batch)
    {
        using var reader = Open(batch);
        if (!reader.Header.IsControl)
            throw new CorruptRecordException($"The batch at offset {reader.Header.BaseOffset} is not a control batch.");
        if (!reader.TryRead(out var record))
            throw new CorruptRecordException($"The control batch at offset {reader.Header.BaseOffset} holds no record.");
        if (!record.HasKey) throw new CorruptRecordException("A control record has no key.");
        return ControlRecord.Parse(record.Key, record.HasValue, record.Value);
    }
}
