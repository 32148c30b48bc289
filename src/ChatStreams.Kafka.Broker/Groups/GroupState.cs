namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>
/// States of a classic consumer group, named as Kafka names them (DescribeGroups reports these strings).
/// Empty: no members (may still own committed offsets). PreparingRebalance: waiting for members to (re)join.
/// CompletingRebalance: joined; waiting for the leader's assignments. Stable: assignments handed out.
/// Dead: the coordinator stopped serving the group.
/// </summary>
public enum GroupState
{
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}
