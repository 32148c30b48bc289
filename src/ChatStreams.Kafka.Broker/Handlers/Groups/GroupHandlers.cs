using ChatStreams.Kafka.Broker.Groups;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers.Groups;

/// <summary>The classic consumer group APIs served by the <see cref="GroupCoordinator"/>.</summary>
public static class GroupHandlers
{
    public static IEnumerable<IRequestHandler> Create(GroupCoordinator coordinator) =>
    [
        new JoinGroupHandler(coordinator),
        new SyncGroupHandler(coordinator),
        new HeartbeatHandler(coordinator),
        new LeaveGroupHandler(coordinator),
        new DescribeGroupsHandler(coordinator),
        new ListGroupsHandler(coordinator),
        new OffsetCommitHandler(coordinator),
        new OffsetFetchHandler(coordinator),
        new TxnOffsetCommitHandler(coordinator),
    ];
}
