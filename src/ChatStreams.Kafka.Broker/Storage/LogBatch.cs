using ChatStreams.Kafka.Broker.Records;

namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// A batch found by <see cref="PartitionLog.Batches"/>: its header, where it lies, and for control batches the
/// marker it carries (so producer and transaction state can be rebuilt without reading records).
/// </summary>
public readonly record struct LogBatch(RecordBatchHeader Header, long SegmentBaseOffset, long Position, ControlRecord? Control)
{
    public ControlRecordType? ControlType => Control?.Type;
}
