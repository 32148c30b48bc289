using System.Collections.Concurrent;

namespace ChatStreams.Edge.Connections;

/// <summary>The sockets open at this edge, by user: where deliveries and typing for a user go.</summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ClientConnection>> _byUser = new(StringComparer.Ordinal);

    public int Count => _byUser.Values.Sum(c => c.Count);

    public void Add(ClientConnection connection) =>
        _byUser.GetOrAdd(connection.UserId, _ => new(StringComparer.Ordinal))[connection.ConnectionId] = connection;

    public void Remove(ClientConnection connection)
    {
        if (!_byUser.TryGetValue(connection.UserId, out var connections)) return;
        connections.TryRemove(connection.ConnectionId, out _);
        // A concurrent Add for the same user may race with this removal; it re-creates the entry if needed.
        if (connections.IsEmpty) _byUser.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, ClientConnection>>(connection.UserId, connections));
    }

    /// <summary>The user's connections here; only those of <paramref name="deviceId"/> when given.</summary>
    public IEnumerable<ClientConnection> ForUser(string userId, string? deviceId = null)
    {
        if (!_byUser.TryGetValue(userId, out var connections)) return [];
        return deviceId is null ? connections.Values : connections.Values.Where(c => c.DeviceId == deviceId);
    }

    public IEnumerable<ClientConnection> All => _byUser.Values.SelectMany(c => c.Values);
}
