using ChatStreams.Kafka.Broker.Protocol;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>SyncGroup, Heartbeat, LeaveGroup and the membership check of offset commits.</summary>
internal sealed partial class ClassicGroup
{
    public Task<SyncResult> Sync(SyncRequest request)
    {
        lock (_lock)
        {
            var now = NowMs;
            try
            {
                return SyncLocked(request, now);
            }
            finally
            {
                Reschedule(now);
            }
        }
    }

    private Task<SyncResult> SyncLocked(SyncRequest request, long now)
    {
        if (_state == GroupState.Dead) return Done(SyncResult.Failed(ErrorCode.NotCoordinator));
        if (IsFenced(request.GroupInstanceId, request.MemberId)) return Done(SyncResult.Failed(ErrorCode.FencedInstanceId));
        if (!_members.TryGetValue(request.MemberId, out var member)) return Done(SyncResult.Failed(ErrorCode.UnknownMemberId));
        if (request.GenerationId != _generationId) return Done(SyncResult.Failed(ErrorCode.IllegalGeneration));

        switch (_state)
        {
            case GroupState.PreparingRebalance:
                return Done(SyncResult.Failed(ErrorCode.RebalanceInProgress));
            case GroupState.CompletingRebalance:
            {
                member.KeepAlive(now);
                var synced = member.AwaitSync(ErrorCode.RebalanceInProgress);
                _awaitingSync.Remove(member.MemberId);
                if (member.MemberId == _leaderId) ApplyAssignments(request.Assignments, now);
                if (_awaitingSync.Count == 0) _syncDeadlineMs = null;
                return synced;
            }
            case GroupState.Stable:
                // Late follower (or a static member that rejoined without rebalance): the assignment is settled.
                member.KeepAlive(now);
                _awaitingSync.Remove(member.MemberId);
                if (_awaitingSync.Count == 0) _syncDeadlineMs = null;
                return Done(new SyncResult(ErrorCode.None, member.Assignment));
            default:
                return Done(SyncResult.Failed(ErrorCode.UnknownMemberId));
        }
    }

    /// <summary>The leader's assignments settle the generation; members it left out get an empty assignment.</summary>
    private void ApplyAssignments(IReadOnlyDictionary<string, byte[]> assignments, long now)
    {
        foreach (var m in _members.Values)
        {
            m.Assignment = assignments.GetValueOrDefault(m.MemberId) ?? [];
            if (m.PendingSync is null) continue;
            m.KeepAlive(now);
            m.CompleteSync(new SyncResult(ErrorCode.None, m.Assignment));
        }
        _state = GroupState.Stable;
        _logger.LogInformation("group {Group}: generation {Generation} is stable", GroupId, _generationId);
    }

    public ErrorCode Heartbeat(string memberId, string? groupInstanceId, int generationId)
    {
        lock (_lock)
        {
            var now = NowMs;
            try
            {
                if (_state == GroupState.Dead) return ErrorCode.NotCoordinator;
                if (IsFenced(groupInstanceId, memberId)) return ErrorCode.FencedInstanceId;
                if (!_members.TryGetValue(memberId, out var member)) return ErrorCode.UnknownMemberId;
                if (generationId != _generationId) return ErrorCode.IllegalGeneration;
                member.KeepAlive(now);
                return _state switch
                {
                    GroupState.PreparingRebalance => ErrorCode.RebalanceInProgress,
                    GroupState.CompletingRebalance or GroupState.Stable => ErrorCode.None,
                    _ => ErrorCode.UnknownMemberId,
                };
            }
            finally
            {
                Reschedule(now);
            }
        }
    }

    /// <summary>LeaveGroup v0–v1 (one member, by member id).</summary>
    public ErrorCode Leave(string memberId)
    {
        lock (_lock)
        {
            var now = NowMs;
            try
            {
                if (_state == GroupState.Dead) return ErrorCode.NotCoordinator;
                if (_pendingMembers.Remove(memberId))
                {
                    // It was only handed an id; a join phase may have been waiting for it.
                    TryCompleteJoin(now);
                    return ErrorCode.None;
                }
                if (!_members.TryGetValue(memberId, out var member)) return ErrorCode.UnknownMemberId;
                RemoveMember(member, now, "left the group");
                return ErrorCode.None;
            }
            finally
            {
                Reschedule(now);
            }
        }
    }

    /// <summary>
    /// Whether a member may commit offsets (Kafka's validateOffsetCommit). Generation -1 with no member id is a
    /// consumer using assign(): allowed only while the group has no members. Transactional commits skip the
    /// rebalance check (their fencing is the generation, KIP-447).
    /// </summary>
    public ErrorCode ValidateCommit(int generationId, string memberId, string? groupInstanceId, bool transactional)
    {
        lock (_lock)
        {
            var now = NowMs;
            try
            {
                if (_state == GroupState.Dead) return ErrorCode.CoordinatorNotAvailable;
                if (generationId >= 0 || memberId.Length > 0 || groupInstanceId is not null)
                {
                    if (IsFenced(groupInstanceId, memberId)) return ErrorCode.FencedInstanceId;
                    if (!_members.TryGetValue(memberId, out var member)) return ErrorCode.UnknownMemberId;
                    if (generationId != _generationId) return ErrorCode.IllegalGeneration;
                    // Assignments of this generation are not handed out yet: the member must finish the rebalance first.
                    if (!transactional && _state == GroupState.CompletingRebalance) return ErrorCode.RebalanceInProgress;
                    member.KeepAlive(now);
                    return ErrorCode.None;
                }
                return !transactional && _members.Count > 0 ? ErrorCode.UnknownMemberId : ErrorCode.None;
            }
            finally
            {
                Reschedule(now);
            }
        }
    }
}
