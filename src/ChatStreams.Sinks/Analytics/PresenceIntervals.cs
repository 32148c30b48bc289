using chatstreams.v1;

namespace ChatStreams.Sinks.Analytics;

/// <summary>
/// Turns a user's presence changes into online intervals. An Online change opens a session starting at its lastSeen
/// (the activity that made the user online) unless one is open already (a second device) or the user's latest
/// session starts at or after it (a replay); an Offline change closes the open session at its lastSeen (the last
/// activity). Because the decision depends only on the latest stored session, applying the same changes again makes
/// no new row and changes no closed one: a session is completed exactly once, idempotently.
/// </summary>
/// <param name="latestStored">Each user's latest stored session; a user missing or mapped to null has none.</param>
public sealed class PresenceIntervals(IReadOnlyDictionary<string, PresenceSessionRow?> latestStored)
{
    private readonly Dictionary<string, PresenceSessionRow?> _latest = new(latestStored);
    private readonly Dictionary<(string User, long Start), PresenceSessionRow> _changed = [];

    public void Apply(PresenceChange change)
    {
        var at = AnalyticsTime.Ms(change.LastSeen);
        _latest.TryGetValue(change.UserId, out var current);
        PresenceSessionRow? next = null;
        if (change.Status == PresenceStatus.Online)
        {
            if (current is null || (current.EndedAtMs is not null && current.StartedAtMs < at))
                next = new PresenceSessionRow(change.UserId, at, null, null);
        }
        else if (current is { EndedAtMs: null } open && open.StartedAtMs <= at)
        {
            next = open with { EndedAtMs = at, DurationMs = at - open.StartedAtMs };
        }
        if (next is null) return;
        _latest[change.UserId] = next;
        _changed[(next.UserId, next.StartedAtMs)] = next;
    }

    /// <summary>The sessions opened or closed, one row per session (its latest state).</summary>
    public IReadOnlyList<PresenceSessionRow> Changed => [.. _changed.Values];

    /// <summary>Every user's latest session after the changes applied (null: none), the stored ones included.</summary>
    public IReadOnlyDictionary<string, PresenceSessionRow?> Latest => _latest;
}
