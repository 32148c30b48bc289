using System.Globalization;
using ChatStreams.Streams.State;

namespace ChatStreams.Topologies.Presence;

/// <summary>
/// The store <c>presence-deadlines</c>: one entry per user that needs a look without input, keyed
/// "&lt;due ms, 19 digits&gt;\0&lt;user id&gt;" so that keys sort by due time and the wall-clock check reads only the due
/// entries (a range up to now) instead of every user. The value is the user id.
/// </summary>
/// <remarks>
/// Entries may be early, never late: a heartbeat that pushes a user's next silence further out does not move the
/// entry (that would cost two changelog writes per heartbeat); the check finds the user still live and reschedules.
/// </remarks>
internal sealed class PresenceDeadlines(IKeyValueStore<string, string> store)
{
    /// <summary>Makes sure the user is looked at no later than the state's next check time.</summary>
    public void Schedule(string userId, PresenceState state, TimeSpan gap)
    {
        if (state.NextCheckMs(gap) is not { } due) return;
        if (state.DeadlineMs is { } scheduled)
        {
            if (scheduled <= due) return;
            store.Delete(Key(scheduled, userId));
        }
        store.Put(Key(due, userId), userId);
        state.DeadlineMs = due;
    }

    /// <summary>The entries due at <paramref name="nowMs"/> (taken as a list: the caller changes the store).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Due(long nowMs) =>
        // "\u0001" sorts after the separator that follows the due time, so the range ends after every key due at nowMs.
        store.Range("", DueTime(nowMs) + '\u0001').ToList();

    /// <summary>Removes a fired entry; clears the state's pointer when it is the user's current entry.</summary>
    public void Remove(string key, PresenceState? state, string userId)
    {
        store.Delete(key);
        if (state?.DeadlineMs is { } scheduled && Key(scheduled, userId) == key) state.DeadlineMs = null;
    }

    public static string Key(long dueMs, string userId) => StoreKeys.Of(DueTime(dueMs), userId);

    private static string DueTime(long ms) => ms.ToString("D19", CultureInfo.InvariantCulture);
}
