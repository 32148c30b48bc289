using ChatStreams.Kafka.Broker.Protocol;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>
/// One classic consumer group and its rebalance state machine (Kafka's GroupMetadata + the join/sync logic of
/// its GroupCoordinator). Every method takes the group's own lock, so groups never wait for each other; calls
/// that Kafka answers later (JoinGroup, SyncGroup) return tasks completed by another member's call or by the
/// group's timer. The timer runs on the injected <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
internal sealed partial class ClassicGroup : IDisposable
{
    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _initialRebalanceDelayMs;
    private readonly ITimer _timer;
    private readonly Dictionary<string, GroupMember> _members = new(StringComparer.Ordinal);

    /// <summary>group.instance.id → the member id currently holding it.</summary>
    private readonly Dictionary<string, string> _staticMembers = new(StringComparer.Ordinal);

    public ClassicGroup(string groupId, TimeProvider time, int initialRebalanceDelayMs, ILogger logger)
    {
        GroupId = groupId;
        _time = time;
        _initialRebalanceDelayMs = initialRebalanceDelayMs;
        _logger = logger;
        _timer = time.CreateTimer(static self => ((ClassicGroup)self!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string GroupId { get; }

    // Written only under _lock; plain reads from other threads see a recent value, good enough for listings.
    private GroupState _state = GroupState.Empty;
    private string? _protocolType;
    private string? _protocolName;
    private int _generationId;
    private string? _leaderId;

    public GroupState State
    {
        get { lock (_lock) return _state; }
    }

    public int GenerationId
    {
        get { lock (_lock) return _generationId; }
    }

    public bool HasMembers
    {
        get { lock (_lock) return _members.Count > 0; }
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>How long a rebalance may wait for members: the largest rebalance timeout among them (as Kafka).</summary>
    private int RebalanceTimeoutMs => _members.Count == 0 ? 0 : _members.Values.Max(m => m.RebalanceTimeoutMs);

    private GroupMember? Leader => _leaderId is not null ? _members.GetValueOrDefault(_leaderId) : null;

    /// <summary>A static member presenting an instance id that now belongs to another member id is a zombie.</summary>
    private bool IsFenced(string? groupInstanceId, string memberId) =>
        groupInstanceId is not null && _staticMembers.TryGetValue(groupInstanceId, out var current) && current != memberId;

    private static Task<T> Done<T>(T result) => Task.FromResult(result);

    public GroupListing Listing()
    {
        lock (_lock) return new GroupListing(GroupId, _protocolType ?? "", _state);
    }

    public GroupDescription Describe()
    {
        lock (_lock)
        {
            var stable = _state == GroupState.Stable && _protocolName is not null;
            var members = _members.Values.Select(m => new MemberDescription(
                m.MemberId, m.GroupInstanceId, m.ClientId, m.ClientHost,
                stable ? m.MetadataFor(_protocolName!) : [],
                stable ? m.Assignment : [])).ToList();
            return new GroupDescription(ErrorCode.None, GroupId, _state, _protocolType ?? "", stable ? _protocolName! : "", members);
        }
    }

    /// <summary>
    /// Removes a member and moves the group on: a settled group rebalances, a group waiting for joins checks
    /// whether it can finish now. Its own blocked calls (if any) end with UNKNOWN_MEMBER_ID.
    /// </summary>
    private void RemoveMember(GroupMember member, long now, string reason)
    {
        member.CompleteJoin(JoinResult.Failed(ErrorCode.UnknownMemberId, member.MemberId));
        member.CompleteSync(SyncResult.Failed(ErrorCode.UnknownMemberId));
        Forget(member);
        if (_state is GroupState.Stable or GroupState.CompletingRebalance)
        {
            PrepareRebalance(now, $"member {member.MemberId} {reason}");
            TryCompleteJoin(now); // if it was the last member there is nobody to wait for
            return;
        }
        _logger.LogInformation("group {Group}: member {Member} {Reason}", GroupId, member.MemberId, reason);
        if (_state == GroupState.PreparingRebalance) TryCompleteJoin(now);
    }

    private void Forget(GroupMember member)
    {
        _members.Remove(member.MemberId);
        _awaitingSync.Remove(member.MemberId);
        if (member.GroupInstanceId is { } instanceId && _staticMembers.GetValueOrDefault(instanceId) == member.MemberId)
            _staticMembers.Remove(instanceId);
        if (_leaderId == member.MemberId) _leaderId = _members.Keys.FirstOrDefault();
    }

    /// <summary>The broker stops serving the group: blocked calls end with NOT_COORDINATOR, as on a coordinator move.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _state = GroupState.Dead;
            foreach (var m in _members.Values)
            {
                m.CompleteJoin(JoinResult.Failed(ErrorCode.NotCoordinator, m.MemberId));
                m.CompleteSync(SyncResult.Failed(ErrorCode.NotCoordinator));
            }
        }
        _timer.Dispose();
    }
}
