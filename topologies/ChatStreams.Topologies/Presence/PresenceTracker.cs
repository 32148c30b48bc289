using ChatStreams.Contracts;
using ChatStreams.Streams.Processor;
using ChatStreams.Streams.State;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Topologies.Presence;

/// <summary>
/// Folds chat.sessions (key: user id) into each user's <see cref="PresenceState"/> and forwards a
/// <see cref="PresenceChange"/> only when the published status flips. A wall-clock check every
/// <see cref="PresenceOptions.CheckInterval"/> finds connections that went silent (their edge crashed and will never
/// say Disconnect) and Offline transitions whose debounce ran out, without any record arriving.
/// </summary>
/// <remarks>
/// Time is the topology's wall clock: a connection is live while it was heard from within the inactivity gap before
/// now. Edge clocks are trusted only up to now (a future <c>at</c> is taken as now), so a skewed edge cannot keep a
/// dead connection alive past the gap.
/// </remarks>
internal sealed class PresenceTracker(TopologyOptions options, ILogger logger) : IProcessor<string, SessionEvent, string, PresenceChange>
{
    private IProcessorContext<string, PresenceChange> _context = null!;
    private IKeyValueStore<string, PresenceState> _presence = null!;
    private PresenceDeadlines _deadlines = null!;

    public void Init(IProcessorContext<string, PresenceChange> context)
    {
        _context = context;
        _presence = context.GetStateStore<IKeyValueStore<string, PresenceState>>(PresenceTopology.PresenceStore);
        _deadlines = new PresenceDeadlines(context.GetStateStore<IKeyValueStore<string, string>>(PresenceTopology.DeadlinesStore));
        context.Schedule(options.Presence.CheckInterval, PunctuationType.WallClockTime, CheckDue);
    }

    public void Process(Record<string, SessionEvent> record)
    {
        if (Invalid(record) is { } reason)
        {
            logger.LogWarning("skipped a session event at key {Key}: {Reason}", record.Key, reason);
            return;
        }
        var session = record.Value;
        var now = _context.CurrentSystemTimeMs;
        var state = _presence.Get(record.Key) ?? new PresenceState();
        state.Observe(session, Math.Min(TimeConversions.ToUnixMs(session.At), now));
        Settle(record.Key, state, now, record.Timestamp);
    }

    /// <summary>The wall-clock check: every user whose deadline passed is brought up to now.</summary>
    private void CheckDue(long now)
    {
        foreach (var (key, userId) in _deadlines.Due(now))
        {
            var state = _presence.Get(userId);
            _deadlines.Remove(key, state, userId);
            if (state is null) continue;
            Settle(userId, state, now, now);
        }
    }

    private void Settle(string userId, PresenceState state, long now, long timestamp)
    {
        var change = state.Settle(userId, now, options.SessionInactivityGap, options.Presence.OfflineDebounce);
        _deadlines.Schedule(userId, state, options.SessionInactivityGap);
        _presence.Put(userId, state);
        if (change is null) return;
        logger.LogDebug("{UserId} is {Status} ({Devices} devices)", userId, change.Status, change.DevicesOnline);
        _context.Forward(new Record<string, PresenceChange>(userId, change, timestamp));
    }

    /// <summary>Why the record cannot be applied, or null when it can.</summary>
    private static string? Invalid(Record<string, SessionEvent> record)
    {
        var session = record.Value;
        if (session is null) return "no value";
        if (string.IsNullOrEmpty(record.Key) || record.Key.Contains(StoreKeys.Separator)) return "invalid user id key";
        if (session.UserId != record.Key) return $"the event is about user '{session.UserId}', not the key";
        if (string.IsNullOrEmpty(session.ConnectionId)) return "no connection id";
        if (string.IsNullOrEmpty(session.DeviceId)) return "no device id";
        if (!Topics.IsValidEdgeId(session.EdgeId)) return $"edge id '{session.EdgeId}' cannot name a delivery topic";
        if (!Enum.IsDefined(session.Kind)) return $"unknown kind {(int)session.Kind}";
        return null;
    }
}
