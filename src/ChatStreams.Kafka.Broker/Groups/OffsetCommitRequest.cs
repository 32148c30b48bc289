using ChatStreams.Kafka.Broker.Protocol;

namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>One partition's offset in an OffsetCommit or TxnOffsetCommit request.</summary>
public sealed record OffsetCommitEntry(TopicPartition Partition, long Offset, int LeaderEpoch, string? Metadata);

/// <summary>OffsetCommit: a member of generation <see cref="GenerationId"/> (or -1/"" for assign() users) commits.</summary>
public sealed record OffsetCommitRequest(
    string GroupId,
    int GenerationId,
    string MemberId,
    string? GroupInstanceId,
    IReadOnlyList<OffsetCommitEntry> Offsets);

/// <summary>TxnOffsetCommit (KIP-447): offsets written inside a producer's transaction, visible once it commits.</summary>
public sealed record TxnOffsetCommitRequest(
    string TransactionalId,
    string GroupId,
    long ProducerId,
    short ProducerEpoch,
    int GenerationId,
    string MemberId,
    string? GroupInstanceId,
    IReadOnlyList<OffsetCommitEntry> Offsets);

/// <summary>One partition in an OffsetFetch answer; -1 when nothing is committed.</summary>
public sealed record FetchedOffset(TopicPartition Partition, long Offset, int LeaderEpoch, string? Metadata, ErrorCode Error)
{
    public static FetchedOffset None(TopicPartition tp, ErrorCode error = ErrorCode.None) => new(tp, -1, -1, "", error);
}
