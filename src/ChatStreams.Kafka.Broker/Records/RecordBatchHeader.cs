using System.Buffers.Binary;

namespace ChatStreams.Kafka.Broker.Records;

/// <summary>The 61-byte header of a record batch v2 (magic 2), parsed from its big-endian wire form.</summary>
public readonly record struct RecordBatchHeader
{
    public long BaseOffset { get; init; }

    /// <summary>Bytes after the BatchLength field; the whole batch is <see cref="TotalSize"/> = 12 + BatchLength.</summary>
    public int BatchLength { get; init; }

    public int PartitionLeaderEpoch { get; init; }
    public byte Magic { get; init; }
    public uint Crc { get; init; }
    public short Attributes { get; init; }
    public int LastOffsetDelta { get; init; }
    public long BaseTimestamp { get; init; }
    public long MaxTimestamp { get; init; }
    public long ProducerId { get; init; }
    public short ProducerEpoch { get; init; }
    public int BaseSequence { get; init; }
    public int RecordCount { get; init; }

    /// <summary>Codec bits; values above 4 are not a known codec (validation rejects them).</summary>
    public CompressionType Compression => (CompressionType)(Attributes & RecordBatchLayout.CompressionMask);

    public bool HasKnownCompression => (Attributes & RecordBatchLayout.CompressionMask) <= (int)CompressionType.Zstd;

    public TimestampType TimestampType =>
        (Attributes & RecordBatchLayout.TimestampTypeFlag) != 0 ? TimestampType.LogAppendTime : TimestampType.CreateTime;

    public bool IsTransactional => (Attributes & RecordBatchLayout.TransactionalFlag) != 0;
    public bool IsControl => (Attributes & RecordBatchLayout.ControlFlag) != 0;

    /// <summary>Set by compaction: BaseTimestamp then holds the time after which tombstones and markers may go.</summary>
    public bool HasDeleteHorizon => (Attributes & RecordBatchLayout.DeleteHorizonFlag) != 0;

    /// <summary>The delete horizon (ms since epoch) when <see cref="HasDeleteHorizon"/>, else null.</summary>
    public long? DeleteHorizonMs => HasDeleteHorizon ? BaseTimestamp : null;

    public long LastOffset => BaseOffset + LastOffsetDelta;

    /// <summary>The offset the next batch gets: LastOffset + 1, even when compaction removed records.</summary>
    public long NextOffset => BaseOffset + LastOffsetDelta + 1;

    public int TotalSize => RecordBatchLayout.LogOverhead + BatchLength;

    public bool HasProducerId => ProducerId >= 0;

    /// <summary>Sequence of the last record: base + lastOffsetDelta, wrapping at int.MaxValue as Kafka does.</summary>
    public int LastSequence =>
        BaseSequence < 0 ? -1 : (int)(((long)BaseSequence + LastOffsetDelta) % ((long)int.MaxValue + 1));

    /// <summary>Parses the header; the span must hold at least 61 bytes. Checks nothing but the length.</summary>
    public static RecordBatchHeader Parse(ReadOnlySpan<byte> batch)
    {
        if (!TryParse(batch, out var header))
            throw new CorruptRecordException(
                $"A record batch header needs {RecordBatchLayout.HeaderSize} bytes but only {batch.Length} remain.");
        return header;
    }

    public static bool TryParse(ReadOnlySpan<byte> batch, out RecordBatchHeader header)
    {
        if (batch.Length < RecordBatchLayout.HeaderSize)
        {
            header = default;
            return false;
        }

        header = new RecordBatchHeader
        {
            BaseOffset = BinaryPrimitives.ReadInt64BigEndian(batch),
            BatchLength = BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatchLayout.BatchLength..]),
            PartitionLeaderEpoch = BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatchLayout.PartitionLeaderEpoch..]),
            Magic = batch[RecordBatchLayout.Magic],
            Crc = BinaryPrimitives.ReadUInt32BigEndian(batch[RecordBatchLayout.Crc..]),
            Attributes = BinaryPrimitives.ReadInt16BigEndian(batch[RecordBatchLayout.Attributes..]),
            LastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatchLayout.LastOffsetDelta..]),
            BaseTimestamp = BinaryPrimitives.ReadInt64BigEndian(batch[RecordBatchLayout.BaseTimestamp..]),
            MaxTimestamp = BinaryPrimitives.ReadInt64BigEndian(batch[RecordBatchLayout.MaxTimestamp..]),
            ProducerId = BinaryPrimitives.ReadInt64BigEndian(batch[RecordBatchLayout.ProducerId..]),
            ProducerEpoch = BinaryPrimitives.ReadInt16BigEndian(batch[RecordBatchLayout.ProducerEpoch..]),
            BaseSequence = BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatchLayout.BaseSequence..]),
            RecordCount = BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatchLayout.RecordCount..]),
        };
        return true;
    }

    /// <summary>CRC-32C over attributes..end of <paramref name="batch"/> (the whole batch, TotalSize bytes).</summary>
    public static uint ComputeCrc(ReadOnlySpan<byte> batch) => Crc32C.Compute(batch[RecordBatchLayout.CrcStart..]);

    /// <summary>True when the stored CRC matches the bytes; <paramref name="batch"/> is exactly one whole batch.</summary>
    public static bool HasValidCrc(ReadOnlySpan<byte> batch) =>
        batch.Length >= RecordBatchLayout.HeaderSize &&
        BinaryPrimitives.ReadUInt32BigEndian(batch[RecordBatchLayout.Crc..]) == ComputeCrc(batch);
}
