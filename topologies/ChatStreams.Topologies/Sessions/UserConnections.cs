using chatstreams.v1;

namespace ChatStreams.Topologies.Sessions;

/// <summary>One WebSocket connection of a user's device at an edge, as the sessions stream last reported it.</summary>
public sealed record DeviceConnection(string ConnectionId, string DeviceId, string EdgeId, long LastSeenMs);

/// <summary>
/// The live connections of one user, folded from <c>chat.sessions</c> (Connect, Heartbeat, Disconnect). Shared by the
/// fan-out's sessions table and the presence topology. A connection is live until its Disconnect or until it has been
/// silent for the inactivity gap (its edge crashed and will never say Disconnect). A Disconnect removes only the
/// connection it names, so a late Disconnect of an old connection cannot drop the device's newer one (the device
/// reconnected, maybe at another edge). Stored as JSON.
/// </summary>
public sealed class UserConnections
{
    public List<DeviceConnection> Connections { get; set; } = [];

    public bool IsEmpty => Connections.Count == 0;

    /// <summary>Applies one session event; returns false when it changed nothing (e.g. a repeated Disconnect).</summary>
    public bool Apply(SessionEvent session)
    {
        var at = TimeConversions.ToUnixMs(session.At);
        var index = Connections.FindIndex(c => c.ConnectionId == session.ConnectionId);
        switch (session.Kind)
        {
            case SessionEventKind.Disconnect:
                if (index < 0) return false;
                Connections.RemoveAt(index);
                return true;
            default:
                // Connect or Heartbeat: a heartbeat of a connection we do not know (state rebuilt, or it was
                // expired while its edge was only slow) brings it back: the edge says it is there.
                if (index < 0)
                {
                    Connections.Add(new DeviceConnection(session.ConnectionId, session.DeviceId, session.EdgeId, at));
                    return true;
                }
                var known = Connections[index];
                Connections[index] = known with { EdgeId = session.EdgeId, DeviceId = session.DeviceId, LastSeenMs = Math.Max(known.LastSeenMs, at) };
                return true;
        }
    }

    /// <summary>Connections heard from within the gap before <paramref name="nowMs"/>.</summary>
    public IEnumerable<DeviceConnection> Live(long nowMs, TimeSpan gap)
    {
        var gapMs = (long)gap.TotalMilliseconds;
        return Connections.Where(c => c.LastSeenMs + gapMs > nowMs);
    }

    /// <summary>
    /// The edges that hold at least one live connection (of <paramref name="deviceId"/> only, when given) and can name a
    /// delivery topic, in a stable order.
    /// </summary>
    public IReadOnlyList<string> LiveEdges(long nowMs, TimeSpan gap, string? deviceId = null) =>
        Live(nowMs, gap)
            .Where(c => deviceId is null || c.DeviceId == deviceId)
            .Select(c => c.EdgeId)
            .Where(ChatStreams.Contracts.Topics.IsValidEdgeId)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Distinct devices with a live connection (a device may briefly hold two connections).</summary>
    public int LiveDevices(long nowMs, TimeSpan gap) => Live(nowMs, gap).Select(c => c.DeviceId).Distinct(StringComparer.Ordinal).Count();

    /// <summary>Drops silent connections; returns how many.</summary>
    public int RemoveSilent(long nowMs, TimeSpan gap)
    {
        var gapMs = (long)gap.TotalMilliseconds;
        return Connections.RemoveAll(c => c.LastSeenMs + gapMs <= nowMs);
    }

    /// <summary>When the first live connection goes silent if nothing more is heard (null: none live).</summary>
    public long? NextSilenceMs(TimeSpan gap)
    {
        if (Connections.Count == 0) return null;
        return Connections.Min(c => c.LastSeenMs) + (long)gap.TotalMilliseconds;
    }

    /// <summary>The latest time any connection was heard from (0: never).</summary>
    public long LastSeenMs => Connections.Count == 0 ? 0 : Connections.Max(c => c.LastSeenMs);
}
