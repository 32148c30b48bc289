using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Groups;

/// <summary>
/// Everything that happens because time passed: session expiry, the end of a join phase, members that never
/// sent SyncGroup, ids handed out that never came back. One timer per group is set to the earliest deadline
/// after every change.
/// </summary>
internal sealed partial class ClassicGroup
{
    /// <summary>Members of the current generation that have not sent SyncGroup yet.</summary>
    private readonly HashSet<string> _awaitingSync = new(StringComparer.Ordinal);

    /// <summary>When members still in <see cref="_awaitingSync"/> are removed (the rebalance timeout).</summary>
    private long? _syncDeadlineMs;

    private void OnTimer()
    {
        try
        {
            lock (_lock)
            {
                if (_state == GroupState.Dead) return;
                var now = NowMs;
                ExpireSessions(now);
                ExpirePendingMembers(now);
                if (_state == GroupState.PreparingRebalance && _joinDeadlineMs <= now) OnJoinDeadline(now);
                ExpireUnsyncedMembers(now);
                Reschedule(now);
            }
        }
        catch (Exception e)
        {
            _logger.LogError(e, "group {Group}: timer handling failed", GroupId);
        }
    }

    private void ExpireSessions(long now)
    {
        // Members blocked in JoinGroup/SyncGroup are waiting on us, not dead.
        foreach (var m in _members.Values.Where(m => !m.IsWaiting && m.SessionDeadlineMs <= now).ToList())
            if (_members.ContainsKey(m.MemberId))
                RemoveMember(m, now, $"sent no heartbeat within its session timeout of {m.SessionTimeoutMs} ms");
    }

    private void ExpirePendingMembers(long now)
    {
        var expired = _pendingMembers.Where(p => p.Value <= now).Select(p => p.Key).ToList();
        if (expired.Count == 0) return;
        foreach (var id in expired) _pendingMembers.Remove(id);
        _logger.LogInformation("group {Group}: {Count} member id(s) handed out were never used and expired", GroupId, expired.Count);
        TryCompleteJoin(now);
    }

    private void ExpireUnsyncedMembers(long now)
    {
        if (_syncDeadlineMs is not { } deadline || deadline > now) return;
        _syncDeadlineMs = null;
        if (_state is not (GroupState.CompletingRebalance or GroupState.Stable)) return;
        foreach (var id in _awaitingSync.ToList())
            if (_members.TryGetValue(id, out var m))
                RemoveMember(m, now, "did not send SyncGroup within the rebalance timeout");
        _awaitingSync.Clear();
    }

    private void Reschedule(long now)
    {
        long? next = null;
        void Consider(long? at)
        {
            if (at is { } t && (next is null || t < next)) next = t;
        }

        if (_state == GroupState.Dead) return;
        if (_state == GroupState.PreparingRebalance) Consider(_joinDeadlineMs);
        Consider(_syncDeadlineMs);
        foreach (var m in _members.Values)
            if (!m.IsWaiting) Consider(m.SessionDeadlineMs);
        foreach (var at in _pendingMembers.Values) Consider(at);

        var due = next is { } n ? TimeSpan.FromMilliseconds(Math.Max(0, n - now)) : Timeout.InfiniteTimeSpan;
        try
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
    }
}
