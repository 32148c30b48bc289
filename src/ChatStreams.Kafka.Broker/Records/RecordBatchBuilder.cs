using System.Buffers.Binary;
using System.Text;
using ChatStreams.Kafka.Broker.Records.Compression;

namespace ChatStreams.Kafka.Broker.Records;

/// <summary>
/// Builds one record batch v2: transaction markers written by the broker, batches rewritten by compaction,
/// and test data. Set the header properties, add records, then <see cref="Build"/>. The static methods patch
/// fields of batches already in memory (fixing the CRC when the field is covered by it).
/// </summary>
public sealed class RecordBatchBuilder : IDisposable
{
    private readonly PooledBuffer _records = new(1024);
    private long? _baseTimestamp;
    private long _maxRecordTimestamp = -1;
    private int _lastRecordOffsetDelta = -1;
    private int _count;

    public RecordBatchBuilder(CompressionType compression = CompressionType.None)
    {
        Compression = compression;
    }

    public CompressionType Compression { get; }
    public long BaseOffset { get; set; }

    /// <summary>-1 (no epoch) as producers send it; the log sets the leader epoch on append.</summary>
    public int PartitionLeaderEpoch { get; set; } = -1;

    public long ProducerId { get; set; } = -1;
    public short ProducerEpoch { get; set; } = -1;
    public int BaseSequence { get; set; } = -1;
    public bool IsTransactional { get; set; }
    public bool IsControl { get; set; }
    public TimestampType TimestampType { get; set; } = TimestampType.CreateTime;

    /// <summary>Compaction's delete horizon; stored in BaseTimestamp (record deltas stay relative to it). Set before adding records.</summary>
    public long? DeleteHorizonMs { get; set; }

    /// <summary>Keeps the original lastOffsetDelta when compaction removed trailing records; default: the last record's delta.</summary>
    public int? LastOffsetDelta { get; set; }

    /// <summary>BaseTimestamp when no record (or no horizon) fixes it; default: the first record's timestamp.</summary>
    public long? BaseTimestamp { get; set; }

    /// <summary>MaxTimestamp override (LogAppendTime batches, empty batches); default: the largest record timestamp.</summary>
    public long? MaxTimestamp { get; set; }

    public int Count => _count;

    /// <summary>Adds a record at the next offset delta (or <paramref name="offsetDelta"/>). Null key/value stay null on the wire.</summary>
    public RecordBatchBuilder Add(byte[]? key, byte[]? value, long timestamp, IReadOnlyList<RecordHeader>? headers = null, int? offsetDelta = null)
    {
        int headerCount = headers?.Count ?? 0;
        using var headerBytes = new PooledBuffer(64);
        if (headers is not null)
            foreach (var header in headers)
            {
                var name = Encoding.UTF8.GetBytes(header.Key);
                WriteBytes(headerBytes, name, present: true);
                WriteBytes(headerBytes, header.Value, header.Value is not null);
            }
        AddEncoded(offsetDelta ?? _lastRecordOffsetDelta + 1, timestamp, key is not null, key, value is not null, value, headerCount, headerBytes.WrittenSpan);
        return this;
    }

    /// <summary>Copies a record read from another batch, keeping its offset delta, timestamp and encoded headers.</summary>
    public RecordBatchBuilder Add(RecordView record)
    {
        AddEncoded(record.OffsetDelta, record.Timestamp, record.HasKey, record.Key, record.HasValue, record.Value, record.HeaderCount, record.HeadersData);
        return this;
    }

    /// <summary>The finished batch (header, possibly compressed records, CRC).</summary>
    public byte[] Build()
    {
        using var output = new PooledBuffer(RecordBatchLayout.HeaderSize + _records.WrittenCount + 64);
        BuildTo(output);
        return output.WrittenSpan.ToArray();
    }

    internal void BuildTo(PooledBuffer output)
    {
        int start = output.WrittenCount;
        output.GetSpan(RecordBatchLayout.HeaderSize);
        output.Advance(RecordBatchLayout.HeaderSize);
        var codec = _count == 0 ? CompressionType.None : Compression;
        RecordCompression.Compress(codec, _records.WrittenSpan, output);

        var batch = output.WrittenSpan[start..];
        long baseTimestamp = _baseTimestamp ?? DeleteHorizonMs ?? BaseTimestamp ?? MaxTimestamp ?? -1;
        short attributes = (short)codec;
        if (TimestampType == TimestampType.LogAppendTime) attributes |= RecordBatchLayout.TimestampTypeFlag;
        if (IsTransactional) attributes |= RecordBatchLayout.TransactionalFlag;
        if (IsControl) attributes |= RecordBatchLayout.ControlFlag;
        if (DeleteHorizonMs is not null) attributes |= RecordBatchLayout.DeleteHorizonFlag;
        int lastOffsetDelta = LastOffsetDelta ?? Math.Max(_lastRecordOffsetDelta, 0);
        if (lastOffsetDelta < _lastRecordOffsetDelta)
            throw new InvalidOperationException($"LastOffsetDelta {lastOffsetDelta} is below the last record's offset delta {_lastRecordOffsetDelta}.");

        BinaryPrimitives.WriteInt64BigEndian(batch, BaseOffset);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.BatchLength..], batch.Length - RecordBatchLayout.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.PartitionLeaderEpoch..], PartitionLeaderEpoch);
        batch[RecordBatchLayout.Magic] = RecordBatchLayout.CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchLayout.Attributes..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.LastOffsetDelta..], lastOffsetDelta);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchLayout.BaseTimestamp..], baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchLayout.MaxTimestamp..], MaxTimestamp ?? (_count > 0 ? _maxRecordTimestamp : baseTimestamp));
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchLayout.ProducerId..], ProducerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchLayout.ProducerEpoch..], ProducerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.BaseSequence..], BaseSequence);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.RecordCount..], _count);
        UpdateCrc(batch);
    }

    public void Dispose() => _records.Dispose();

    /// <summary>
    /// A transaction marker batch as the coordinator writes it: attributes 0x30 (control + transactional),
    /// one uncompressed control record, baseSequence -1.
    /// </summary>
    public static byte[] ControlBatch(long producerId, short producerEpoch, ControlRecordType type, int coordinatorEpoch,
        long timestamp, long baseOffset = 0, int partitionLeaderEpoch = 0)
    {
        var key = new byte[ControlRecord.KeySize];
        ControlRecord.WriteKey(key, type);
        var value = new byte[ControlRecord.MarkerValueSize];
        ControlRecord.WriteMarkerValue(value, coordinatorEpoch);
        using var builder = new RecordBatchBuilder
        {
            BaseOffset = baseOffset,
            PartitionLeaderEpoch = partitionLeaderEpoch,
            ProducerId = producerId,
            ProducerEpoch = producerEpoch,
            BaseSequence = -1,
            IsTransactional = true,
            IsControl = true,
        };
        builder.Add(key, value, timestamp);
        return builder.Build();
    }

    /// <summary>Sets the base offset; it is outside the CRC so nothing else changes.</summary>
    public static void SetBaseOffset(Span<byte> batch, long baseOffset) =>
        BinaryPrimitives.WriteInt64BigEndian(batch, baseOffset);

    /// <summary>Sets the partition leader epoch; outside the CRC.</summary>
    public static void SetPartitionLeaderEpoch(Span<byte> batch, int epoch) =>
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchLayout.PartitionLeaderEpoch..], epoch);

    /// <summary>Marks the batch LogAppendTime with <paramref name="appendTime"/> as MaxTimestamp, then fixes the CRC.</summary>
    public static void SetLogAppendTime(Span<byte> batch, long appendTime)
    {
        short attributes = BinaryPrimitives.ReadInt16BigEndian(batch[RecordBatchLayout.Attributes..]);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchLayout.Attributes..], (short)(attributes | RecordBatchLayout.TimestampTypeFlag));
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchLayout.MaxTimestamp..], appendTime);
        UpdateCrc(batch);
    }

    /// <summary>Sets MaxTimestamp and fixes the CRC.</summary>
    public static void SetMaxTimestamp(Span<byte> batch, long maxTimestamp)
    {
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchLayout.MaxTimestamp..], maxTimestamp);
        UpdateCrc(batch);
    }

    /// <summary>Recomputes the CRC of one whole batch after a change to a covered field.</summary>
    public static void UpdateCrc(Span<byte> batch)
    {
        int totalSize = RecordBatchLayout.LogOverhead + BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatchLayout.BatchLength..]);
        BinaryPrimitives.WriteUInt32BigEndian(batch[RecordBatchLayout.Crc..], RecordBatchHeader.ComputeCrc(batch[..totalSize]));
    }

    private void AddEncoded(int offsetDelta, long timestamp, bool hasKey, ReadOnlySpan<byte> key, bool hasValue,
        ReadOnlySpan<byte> value, int headerCount, ReadOnlySpan<byte> headersData)
    {
        if (offsetDelta <= _lastRecordOffsetDelta)
            throw new ArgumentOutOfRangeException(nameof(offsetDelta), $"Offset delta {offsetDelta} must exceed the previous {_lastRecordOffsetDelta}.");
        _baseTimestamp ??= DeleteHorizonMs ?? BaseTimestamp ?? timestamp;
        long timestampDelta = timestamp - _baseTimestamp.Value;

        int bodySize = 1 + Varint.SizeOfInt64(timestampDelta) + Varint.SizeOfInt32(offsetDelta)
            + SizeOfBytes(key.Length, hasKey) + SizeOfBytes(value.Length, hasValue)
            + Varint.SizeOfInt32(headerCount) + headersData.Length;
        var span = _records.GetSpan(bodySize + 5);
        int p = Varint.WriteInt32(span, bodySize);
        span[p++] = 0;
        p += Varint.WriteInt64(span[p..], timestampDelta);
        p += Varint.WriteInt32(span[p..], offsetDelta);
        p += WriteBytes(span[p..], key, hasKey);
        p += WriteBytes(span[p..], value, hasValue);
        p += Varint.WriteInt32(span[p..], headerCount);
        headersData.CopyTo(span[p..]);
        _records.Advance(p + headersData.Length);

        _maxRecordTimestamp = _count == 0 ? timestamp : Math.Max(_maxRecordTimestamp, timestamp);
        _lastRecordOffsetDelta = offsetDelta;
        _count++;
    }

    private static int SizeOfBytes(int length, bool present) => present ? Varint.SizeOfInt32(length) + length : 1;

    private static int WriteBytes(Span<byte> destination, ReadOnlySpan<byte> bytes, bool present)
    {
        if (!present) return Varint.WriteInt32(destination, -1);
        int p = Varint.WriteInt32(destination, bytes.Length);
        bytes.CopyTo(destination[p..]);
        return p + bytes.Length;
    }

    private static void WriteBytes(PooledBuffer output, ReadOnlySpan<byte> bytes, bool present)
    {
        var span = output.GetSpan(bytes.Length + 5);
        output.Advance(WriteBytes(span, bytes, present));
    }
}
