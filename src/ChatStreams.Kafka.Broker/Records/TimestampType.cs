namespace ChatStreams.Kafka.Broker.Records;

/// <summary>Bit 3 of the batch attributes: who set the record timestamps.</summary>
public enum TimestampType : byte
{
    /// <summary>The producer set each record's timestamp.</summary>
    CreateTime = 0,

    /// <summary>The broker stamped the batch on append; every record's timestamp is the batch's MaxTimestamp.</summary>
    LogAppendTime = 1,
}
