namespace ChatStreams.Ctl.Cluster;

/// <summary>What `chatctl status` reports: one snapshot of topics, consumer groups with lag, edges and processing instances.</summary>
public sealed record ClusterStatus(
    string Bootstrap,
    DateTimeOffset At,
    IReadOnlyList<TopicStatus> Topics,
    IReadOnlyList<GroupStatus> Groups,
    IReadOnlyList<EdgeStatus> Edges,
    string? EdgesNote,
    IReadOnlyList<GenerationStatus>? Generations = null);

/// <summary>
/// A rescaled family of topics (`chatctl rescale-partitions`): the generation being processed (its topics are
/// "&lt;topic&gt;.g&lt;n&gt;" from 2 on), its partition count and the phase of a rescale in progress.
/// </summary>
public sealed record GenerationStatus(string Topic, IReadOnlyList<string> Companions, int Generation, int Partitions, string Phase, int? TargetPartitions);

/// <param name="ConfiguredPartitions">What the Topics settings ask for; null for topics the settings do not name.</param>
/// <param name="Records">Records the partitions hold now (high minus low watermark, markers included).</param>
public sealed record TopicStatus(string Name, int Partitions, int? ConfiguredPartitions, long Records, IReadOnlyList<PartitionOffsets> PartitionOffsets);

public sealed record PartitionOffsets(int Partition, long Low, long High);

/// <param name="Role">topology, sink, edge or other (from the group id's naming convention).</param>
/// <param name="State">The coordinator's state: Stable, Empty, PreparingRebalance, ...</param>
public sealed record GroupStatus(string GroupId, string Role, string State, IReadOnlyList<GroupMember> Members, IReadOnlyList<PartitionLag> Lag)
{
    public long TotalLag => Lag.Sum(l => l.Lag ?? 0);
}

/// <summary>One consumer of a group: for a topology group, one processing instance (a stream thread).</summary>
public sealed record GroupMember(string MemberId, string ClientId, string Host, int AssignedPartitions);

/// <param name="Committed">The group's committed offset; null when it never committed on this partition.</param>
/// <param name="Lag">End minus committed; null without a commit.</param>
public sealed record PartitionLag(string Topic, int Partition, long? Committed, long End, long? Lag);

/// <summary>
/// One edge: known by its delivery topic or by sessions in chat.sessions. Connections are the sessions whose last
/// event in the window is a connect or heartbeat; an edge with none is idle or gone (Online false).
/// </summary>
public sealed record EdgeStatus(string EdgeId, bool Online, int Connections, int Users, DateTimeOffset? LastHeartbeat, bool HasDeliveryTopic);
