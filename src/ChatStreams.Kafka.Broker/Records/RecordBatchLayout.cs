namespace ChatStreams.Kafka.Broker.Records;

/// <summary>Byte positions of the record batch v2 header fields (all big-endian).</summary>
public static class RecordBatchLayout
{
    public const int BaseOffset = 0;
    public const int BatchLength = 8;
    public const int PartitionLeaderEpoch = 12;
    public const int Magic = 16;
    public const int Crc = 17;
    public const int Attributes = 21;
    public const int LastOffsetDelta = 23;
    public const int BaseTimestamp = 27;
    public const int MaxTimestamp = 35;
    public const int ProducerId = 43;
    public const int ProducerEpoch = 51;
    public const int BaseSequence = 53;
    public const int RecordCount = 57;
    public const int Records = 61;

    /// <summary>Size of the header; the smallest possible batch (no records).</summary>
    public const int HeaderSize = 61;

    /// <summary>BaseOffset + BatchLength: the bytes not counted by BatchLength.</summary>
    public const int LogOverhead = 12;

    /// <summary>Smallest legal BatchLength (a header without records).</summary>
    public const int MinBatchLength = HeaderSize - LogOverhead;

    /// <summary>The CRC covers attributes to the end of the batch.</summary>
    public const int CrcStart = Attributes;

    public const byte CurrentMagic = 2;

    public const short CompressionMask = 0x07;
    public const short TimestampTypeFlag = 0x08;
    public const short TransactionalFlag = 0x10;
    public const short ControlFlag = 0x20;
    public const short DeleteHorizonFlag = 0x40;
}
