using ChatStreams.Kafka.Broker.Protocol;

namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>What DescribeGroups reports about one group.</summary>
public sealed record GroupDescription(
    ErrorCode Error,
    string GroupId,
    GroupState State,
    string ProtocolType,
    string ProtocolData,
    IReadOnlyList<MemberDescription> Members);

/// <summary>
/// One member in DescribeGroups. Metadata and assignment are filled only while the group is Stable,
/// as Kafka does (before that they are not settled).
/// </summary>
public sealed record MemberDescription(
    string MemberId,
    string? GroupInstanceId,
    string ClientId,
    string ClientHost,
    byte[] Metadata,
    byte[] Assignment);

/// <summary>One entry of ListGroups.</summary>
public sealed record GroupListing(string GroupId, string ProtocolType, GroupState State);
