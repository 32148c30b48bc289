namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>A group's committed position in one partition, as OffsetFetch returns it.</summary>
/// <param name="Metadata">Client metadata; Kafka stores a null as the empty string, so do we.</param>
public sealed record CommittedOffset(long Offset, int LeaderEpoch, string Metadata, long CommitTimestampMs);

/// <summary>A topic partition of a group's offsets.</summary>
public readonly record struct TopicPartition(string Topic, int Partition)
{
    public override string ToString() => $"{Topic}-{Partition}";
}
