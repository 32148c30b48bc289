using ChatStreams.Kafka.Broker.Protocol;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>The join phase: members (re)join, the coordinator waits for all of them, then starts a generation.</summary>
internal sealed partial class ClassicGroup
{
    /// <summary>Ids handed out with MEMBER_ID_REQUIRED whose owner has not rejoined yet → when they are forgotten.</summary>
    private readonly Dictionary<string, long> _pendingMembers = new(StringComparer.Ordinal);

    /// <summary>When the current join phase ends even if members are missing (Unix ms).</summary>
    private long? _joinDeadlineMs;

    /// <summary>A rebalance that started from Empty first waits group.initial.rebalance.delay.ms for more members.</summary>
    private bool _initialDelay;
    private bool _newMemberAdded;
    private long _initialDelayRemainingMs;

    public Task<JoinResult> Join(JoinRequest request)
    {
        lock (_lock)
        {
            var now = NowMs;
            try
            {
                if (_state == GroupState.Dead) return Done(JoinResult.Failed(ErrorCode.NotCoordinator, request.MemberId));
                if (!AcceptsProtocols(request))
                    return Done(JoinResult.Failed(ErrorCode.InconsistentGroupProtocol, request.MemberId));
                return request.MemberId.Length == 0 ? JoinAsNewMember(request, now) : JoinAsKnownMember(request, now);
            }
            finally
            {
                Reschedule(now);
            }
        }
    }

    /// <summary>
    /// The member's protocol type must match the group's and at least one of its protocols must be supported by
    /// every other member. (The joining member's own previous protocols do not count: it may switch assignors.)
    /// </summary>
    private bool AcceptsProtocols(JoinRequest request)
    {
        if (request.ProtocolType.Length == 0 || request.Protocols.Count == 0) return false;
        var replacedStatic = request.GroupInstanceId is not null ? _staticMembers.GetValueOrDefault(request.GroupInstanceId) : null;
        var others = _members.Values.Where(m => m.MemberId != request.MemberId && m.MemberId != replacedStatic).ToList();
        if (others.Count == 0) return true;
        if (_protocolType != request.ProtocolType) return false;
        var common = ProtocolSelection.CommonProtocols(others);
        return request.Protocols.Any(p => common.Contains(p.Name));
    }

    private Task<JoinResult> JoinAsNewMember(JoinRequest request, long now)
    {
        if (request.GroupInstanceId is { } instanceId)
        {
            // Kafka names static members after their instance id; they never get MEMBER_ID_REQUIRED.
            var staticId = $"{instanceId}-{Guid.NewGuid()}";
            return _staticMembers.TryGetValue(instanceId, out var oldId)
                ? ReplaceStaticMember(request, oldId, staticId, now)
                : AddMember(request, staticId, now);
        }
        var memberId = $"{request.ClientId}-{Guid.NewGuid()}";
        if (request.RequireKnownMemberId)
        {
            // KIP-394: hand out the id first; the member rejoins with it. One that never returns is forgotten after
            // its session timeout, so a crashed client cannot hold a rebalance open.
            _pendingMembers[memberId] = now + request.SessionTimeoutMs;
            return Done(JoinResult.Failed(ErrorCode.MemberIdRequired, memberId));
        }
        return AddMember(request, memberId, now);
    }

    private Task<JoinResult> JoinAsKnownMember(JoinRequest request, long now)
    {
        if (_pendingMembers.Remove(request.MemberId)) return AddMember(request, request.MemberId, now);
        if (IsFenced(request.GroupInstanceId, request.MemberId))
            return Done(JoinResult.Failed(ErrorCode.FencedInstanceId, request.MemberId));
        if (!_members.TryGetValue(request.MemberId, out var member))
            return Done(JoinResult.Failed(ErrorCode.UnknownMemberId, request.MemberId));

        switch (_state)
        {
            case GroupState.PreparingRebalance:
                return UpdateAndAwaitJoin(member, request, now, reason: null);
            case GroupState.CompletingRebalance when member.Matches(request.Protocols):
                // It lost the JoinGroup response: hand out the same generation again.
                member.KeepAlive(now);
                return Done(GenerationFor(member, includeMembers: member.MemberId == _leaderId, leaderId: _leaderId!));
            case GroupState.CompletingRebalance:
                return UpdateAndAwaitJoin(member, request, now, $"member {member.MemberId} changed its protocols");
            case GroupState.Stable when member.MemberId == _leaderId:
                // A leader rejoins to reassign (e.g. topic metadata changed): always rebalance.
                return UpdateAndAwaitJoin(member, request, now, $"leader {member.MemberId} rejoined");
            case GroupState.Stable when !member.Matches(request.Protocols):
                return UpdateAndAwaitJoin(member, request, now, $"member {member.MemberId} changed its protocols");
            case GroupState.Stable:
                // A follower with unchanged subscription: nothing to reassign, it syncs to get its current assignment.
                member.KeepAlive(now);
                return Done(GenerationFor(member, includeMembers: false, leaderId: _leaderId!));
            default:
                return Done(JoinResult.Failed(ErrorCode.UnknownMemberId, request.MemberId));
        }
    }

    private Task<JoinResult> AddMember(JoinRequest request, string memberId, long now)
    {
        var member = new GroupMember(memberId, request.GroupInstanceId);
        member.Update(request);
        member.KeepAlive(now);
        if (_members.Count == 0) _protocolType = request.ProtocolType;
        _members[memberId] = member;
        if (request.GroupInstanceId is { } instanceId) _staticMembers[instanceId] = memberId;
        _leaderId ??= memberId;
        if (_initialDelay) _newMemberAdded = true;
        var joined = member.AwaitJoin(ErrorCode.RebalanceInProgress);
        if (_state != GroupState.PreparingRebalance) PrepareRebalance(now, $"member {memberId} joined");
        TryCompleteJoin(now);
        return joined;
    }

    private Task<JoinResult> UpdateAndAwaitJoin(GroupMember member, JoinRequest request, long now, string? reason)
    {
        member.Update(request);
        if (_members.Count == 1) _protocolType = request.ProtocolType; // a lone member may switch protocol type
        var joined = member.AwaitJoin(ErrorCode.RebalanceInProgress);
        if (_state != GroupState.PreparingRebalance) PrepareRebalance(now, reason ?? $"member {member.MemberId} rejoined");
        TryCompleteJoin(now);
        return joined;
    }

    /// <summary>
    /// A static member came back with a new member id (e.g. after a restart): it takes over the old member's
    /// place and assignment; the old id is fenced. In a stable group with unchanged subscription no rebalance
    /// happens: the member syncs and gets its previous assignment back.
    /// </summary>
    private Task<JoinResult> ReplaceStaticMember(JoinRequest request, string oldId, string newId, long now)
    {
        var member = _members[oldId];
        member.CompleteJoin(JoinResult.Failed(ErrorCode.FencedInstanceId, oldId));
        member.CompleteSync(SyncResult.Failed(ErrorCode.FencedInstanceId));
        var previousLeader = _leaderId;
        _members.Remove(oldId);
        member.MemberId = newId;
        _members[newId] = member;
        _staticMembers[request.GroupInstanceId!] = newId;
        if (_leaderId == oldId) _leaderId = newId;
        if (_awaitingSync.Remove(oldId)) _awaitingSync.Add(newId);
        _logger.LogInformation("group {Group}: static member {Instance} replaced member id {Old} with {New}",
            GroupId, request.GroupInstanceId, oldId, newId);

        member.Update(request);
        member.KeepAlive(now);
        // As Kafka: only a change of the group's protocol forces a rebalance. Metadata may differ harmlessly
        // (librdkafka puts the owned partitions in it, which a restarted instance no longer knows).
        if (_state == GroupState.Stable && ProtocolSelection.Select(_members.Values, Leader) == _protocolName)
        {
            // The previous leader id is returned on purpose: if this member was the leader, it must not run an
            // assignment now (a stable group would not hand it out); it simply syncs.
            return Done(GenerationFor(member, includeMembers: false, leaderId: previousLeader ?? ""));
        }
        return UpdateAndAwaitJoin(member, request, now, $"static member {request.GroupInstanceId} rejoined");
    }

    private JoinResult GenerationFor(GroupMember member, bool includeMembers, string leaderId) =>
        new(ErrorCode.None, _generationId, _protocolType, _protocolName, leaderId, member.MemberId,
            includeMembers ? MembersForLeader() : []);

    private List<JoinedMember> MembersForLeader() =>
        _members.Values.Select(m => new JoinedMember(m.MemberId, m.GroupInstanceId, m.MetadataFor(_protocolName!))).ToList();

    private void PrepareRebalance(long now, string reason)
    {
        if (_state == GroupState.CompletingRebalance)
        {
            // The unfinished generation's assignments are void; members waiting in SyncGroup must rejoin.
            foreach (var m in _members.Values)
            {
                m.Assignment = [];
                m.CompleteSync(SyncResult.Failed(ErrorCode.RebalanceInProgress));
            }
        }
        _awaitingSync.Clear();
        _syncDeadlineMs = null;
        if (_state == GroupState.Empty)
        {
            _initialDelay = true;
            _newMemberAdded = false;
            _joinDeadlineMs = now + _initialRebalanceDelayMs;
            _initialDelayRemainingMs = Math.Max(RebalanceTimeoutMs - _initialRebalanceDelayMs, 0);
        }
        else
        {
            _initialDelay = false;
            _joinDeadlineMs = now + RebalanceTimeoutMs;
        }
        _state = GroupState.PreparingRebalance;
        _logger.LogInformation("group {Group}: rebalancing (generation {Generation}): {Reason}", GroupId, _generationId, reason);
    }

    /// <summary>The join phase ends early once every known member (and every member handed an id) has joined.</summary>
    private void TryCompleteJoin(long now)
    {
        if (_state != GroupState.PreparingRebalance || _initialDelay) return;
        if (_pendingMembers.Count == 0 && _members.Values.All(m => m.PendingJoin is not null)) CompleteJoin(now);
    }

    private void OnJoinDeadline(long now)
    {
        if (_initialDelay)
        {
            var remaining = _initialDelayRemainingMs;
            if (_newMemberAdded && remaining > 0)
            {
                // Members keep arriving: wait one more delay, bounded by the rebalance timeout.
                var delay = Math.Min(_initialRebalanceDelayMs, remaining);
                _newMemberAdded = false;
                _initialDelayRemainingMs -= delay;
                _joinDeadlineMs = now + delay;
                return;
            }
            _initialDelay = false;
            if (_pendingMembers.Count > 0 && remaining > 0)
            {
                // Someone was handed an id and is about to rejoin: wait for it (within the rebalance timeout).
                _joinDeadlineMs = now + remaining;
                return;
            }
        }
        CompleteJoin(now);
    }

    /// <summary>
    /// Starts the next generation with the members that rejoined. Dynamic members that did not are removed;
    /// static members stay (their session timeout decides). The leader gets everyone's metadata.
    /// </summary>
    private void CompleteJoin(long now)
    {
        foreach (var missing in _members.Values.Where(m => m.PendingJoin is null && !m.IsStatic).ToList())
        {
            Forget(missing);
            _logger.LogInformation("group {Group}: member {Member} did not rejoin in time and was removed", GroupId, missing.MemberId);
        }
        _generationId++;
        _joinDeadlineMs = null;
        _initialDelay = false;
        if (_members.Count == 0)
        {
            _protocolName = null;
            _leaderId = null;
            _state = GroupState.Empty;
            _logger.LogInformation("group {Group} is empty (generation {Generation})", GroupId, _generationId);
            return;
        }
        if (Leader is not { PendingJoin: not null })
            _leaderId = (_members.Values.FirstOrDefault(m => m.PendingJoin is not null) ?? _members.Values.First()).MemberId;
        _protocolName = ProtocolSelection.Select(_members.Values, Leader);
        if (_protocolName is null)
        {
            // Cannot happen while joins are checked for a common protocol; never hand out an unusable generation.
            foreach (var m in _members.Values.ToList())
            {
                m.CompleteJoin(JoinResult.Failed(ErrorCode.InconsistentGroupProtocol, m.MemberId));
                Forget(m);
            }
            _state = GroupState.Empty;
            return;
        }
        _state = GroupState.CompletingRebalance;
        _awaitingSync.Clear();
        _awaitingSync.UnionWith(_members.Keys);
        _syncDeadlineMs = now + RebalanceTimeoutMs;
        var all = MembersForLeader();
        foreach (var m in _members.Values)
        {
            m.KeepAlive(now);
            m.CompleteJoin(new JoinResult(ErrorCode.None, _generationId, _protocolType, _protocolName, _leaderId!, m.MemberId,
                m.MemberId == _leaderId ? all : []));
        }
        _logger.LogInformation("group {Group}: generation {Generation} with {Count} members, protocol {Protocol}, leader {Leader}",
            GroupId, _generationId, _members.Count, _protocolName, _leaderId);
    }
}
