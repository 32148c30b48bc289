namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>What a <see cref="PartitionLog.Compact"/> run did; <see cref="SkippedBecause"/> says why it did nothing.</summary>
public sealed record CompactionResult(
    int SegmentsCleaned,
    int SegmentsWritten,
    long BytesBefore,
    long BytesAfter,
    long RecordsRemoved,
    long BatchesRemoved,
    long CleanedUpToOffset,
    string? SkippedBecause = null)
{
    public static CompactionResult Skipped(string reason) => new(0, 0, 0, 0, 0, 0, -1, reason);
}
