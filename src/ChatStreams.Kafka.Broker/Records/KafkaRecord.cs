namespace ChatStreams.Kafka.Broker.Records;

/// <summary>One record copied out of a batch (allocates; the hot paths use <see cref="RecordView"/> instead).</summary>
public sealed record KafkaRecord(long Offset, long Timestamp, byte[]? Key, byte[]? Value, IReadOnlyList<RecordHeader> Headers)
{
    public bool IsTombstone => Value is null;
}

/// <summary>A record header: a UTF-8 key and a nullable value.</summary>
public sealed record RecordHeader(string Key, byte[]? Value);
