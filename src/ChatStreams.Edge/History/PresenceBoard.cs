using chatstreams.v1;

namespace ChatStreams.Edge.History;

/// <summary>
/// The latest presence of every user, folded from compacted chat.presence (one record per user survives compaction,
/// so the board stays the size of the user base). A change older than the one known is ignored.
/// </summary>
public sealed class PresenceBoard
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PresenceChange> _latest = new(StringComparer.Ordinal);

    public PresenceChange? Of(string userId)
    {
        lock (_gate) return _latest.GetValueOrDefault(userId);
    }

    public void Apply(PresenceChange change)
    {
        lock (_gate)
            if (!_latest.TryGetValue(change.UserId, out var known) || known.LastSeen <= change.LastSeen)
                _latest[change.UserId] = change;
    }
}
