namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>A read or delete asked for an offset outside [LogStartOffset, LogEndOffset]; Kafka's OFFSET_OUT_OF_RANGE.</summary>
public sealed class OffsetOutOfRangeException(long offset, long logStartOffset, long logEndOffset)
    : Exception($"Offset {offset} is outside the log's range [{logStartOffset}, {logEndOffset}]; " +
                "reset the position to the log start or end.")
{
    public long Offset { get; } = offset;
    public long LogStartOffset { get; } = logStartOffset;
    public long LogEndOffset { get; } = logEndOffset;
}
