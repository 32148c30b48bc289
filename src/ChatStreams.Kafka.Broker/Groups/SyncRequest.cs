using ChatStreams.Kafka.Broker.Protocol;

namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>A SyncGroup request: the leader sends every member's assignment, followers send none.</summary>
public sealed record SyncRequest(
    string GroupId,
    int GenerationId,
    string MemberId,
    string? GroupInstanceId,
    IReadOnlyDictionary<string, byte[]> Assignments);

/// <summary>The SyncGroup answer: this member's assignment bytes (empty on error).</summary>
public sealed record SyncResult(ErrorCode Error, byte[] Assignment)
{
    public static SyncResult Failed(ErrorCode error) => new(error, []);
}
