using ChatStreams.Kafka.Broker.Protocol;

namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>A JoinGroup request as the coordinator sees it (all versions mapped to one shape).</summary>
/// <param name="MemberId">Empty for a member joining for the first time.</param>
/// <param name="GroupInstanceId">group.instance.id of a static member (v5+), else null.</param>
/// <param name="RequireKnownMemberId">v4+: a new dynamic member first gets MEMBER_ID_REQUIRED and an id.</param>
public sealed record JoinRequest(
    string GroupId,
    string MemberId,
    string? GroupInstanceId,
    string ProtocolType,
    IReadOnlyList<GroupProtocol> Protocols,
    int SessionTimeoutMs,
    int RebalanceTimeoutMs,
    string ClientId,
    string ClientHost,
    bool RequireKnownMemberId);

/// <summary>A member as the leader sees it in its JoinGroup response.</summary>
public sealed record JoinedMember(string MemberId, string? GroupInstanceId, byte[] Metadata);

/// <summary>The JoinGroup answer. Only the leader gets <see cref="Members"/>; followers get an empty list.</summary>
public sealed record JoinResult(
    ErrorCode Error,
    int GenerationId,
    string? ProtocolType,
    string? ProtocolName,
    string LeaderId,
    string MemberId,
    IReadOnlyList<JoinedMember> Members)
{
    public static JoinResult Failed(ErrorCode error, string memberId = "") => new(error, -1, null, null, "", memberId, []);
}
