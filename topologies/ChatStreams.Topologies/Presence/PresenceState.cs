using System.Text.Json.Serialization;
using ChatStreams.Topologies.Sessions;
using chatstreams.v1;

namespace ChatStreams.Topologies.Presence;

/// <summary>
/// One user's presence (store <c>presence</c>, key: user id, JSON): the live connections, the status last published
/// to chat.presence, the last time any device was seen, when a pending Offline becomes due, and which deadline entry
/// is scheduled for the user in <c>presence-deadlines</c>.
/// </summary>
public sealed class PresenceState
{
    public UserConnections Connections { get; set; } = new();

    /// <summary>The latest <c>at</c> of any session event of the user (ms); kept after the connections are gone.</summary>
    public long LastSeenMs { get; set; }

    /// <summary>The status last published to chat.presence; null before the first change.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<PresenceStatus>))]
    public PresenceStatus? Published { get; set; }

    public long PublishedLastSeenMs { get; set; }

    public int PublishedDevices { get; set; }

    /// <summary>When the user, Online with no live connection, is published Offline unless a connection comes back.</summary>
    public long? OfflineDueMs { get; set; }

    /// <summary>The due time of this user's entry in the deadlines store; null when none is scheduled.</summary>
    public long? DeadlineMs { get; set; }

    /// <summary>Folds one (validated) session event in, seen at <paramref name="atMs"/>.</summary>
    public void Observe(SessionEvent session, long atMs)
    {
        session.At = TimeConversions.FromUnixMs(atMs);
        Connections.Apply(session);
        LastSeenMs = Math.Max(LastSeenMs, atMs);
    }

    /// <summary>
    /// Brings the state up to <paramref name="nowMs"/>: drops connections silent for the gap, then decides whether the
    /// published status must change. Online is published at once; Offline only once the user has had no live
    /// connection for the debounce, counted from the moment this topology noticed it (a reconnect within it cancels
    /// it). Returns the change to publish, or null when the published status stays right.
    /// </summary>
    public PresenceChange? Settle(string userId, long nowMs, TimeSpan gap, TimeSpan debounce)
    {
        Connections.RemoveSilent(nowMs, gap);
        var devices = Connections.LiveDevices(nowMs, gap);
        if (devices > 0)
        {
            OfflineDueMs = null;
            return Published == PresenceStatus.Online ? null : Publish(userId, PresenceStatus.Online, devices);
        }
        if (Published != PresenceStatus.Online)
        {
            OfflineDueMs = null;
            return null;
        }
        OfflineDueMs ??= nowMs + (long)debounce.TotalMilliseconds;
        if (OfflineDueMs > nowMs) return null;
        OfflineDueMs = null;
        return Publish(userId, PresenceStatus.Offline, 0);
    }

    /// <summary>When this state must be looked at again without input: a pending Offline or the next connection to go silent.</summary>
    public long? NextCheckMs(TimeSpan gap)
    {
        var silence = Connections.NextSilenceMs(gap);
        if (OfflineDueMs is not { } due) return silence;
        return silence is { } s ? Math.Min(s, due) : due;
    }

    /// <summary>The change last published (what a new peer is told), or null before the first.</summary>
    public PresenceChange? LastPublished(string userId) => Published is { } status
        ? new PresenceChange { UserId = userId, Status = status, LastSeen = TimeConversions.FromUnixMs(PublishedLastSeenMs), DevicesOnline = PublishedDevices }
        : null;

    private PresenceChange Publish(string userId, PresenceStatus status, int devices)
    {
        Published = status;
        PublishedLastSeenMs = LastSeenMs;
        PublishedDevices = devices;
        return LastPublished(userId)!;
    }
}
