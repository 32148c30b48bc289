using ChatStreams.Contracts;
using ChatStreams.Streams.Processor;
using ChatStreams.Streams.State;
using ChatStreams.Topologies.Sessions;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Topologies.FanOut;

/// <summary>
/// Sub-topology 1, chat.sessions (key: user id). Keeps the sessions table (user -> live connections at edges) the
/// delivery router reads. A connection whose edge crashed never sends its Disconnect: the router already ignores it
/// once it has been silent for the inactivity gap, and a wall-clock punctuation removes such connections (and users
/// left with none) so the table does not grow with everyone who ever connected.
/// </summary>
internal sealed class SessionTable(TopologyOptions options, ILogger<SessionTable> logger) : IProcessor<string, SessionEvent, string, SessionEvent>
{
    private IProcessorContext<string, SessionEvent> _context = null!;
    private IKeyValueStore<string, UserConnections> _sessions = null!;

    public void Init(IProcessorContext<string, SessionEvent> context)
    {
        _context = context;
        _sessions = context.GetStateStore<IKeyValueStore<string, UserConnections>>(FanOutTopology.SessionsStore);
        context.Schedule(options.FanOut.SessionPurgeInterval, PunctuationType.WallClockTime, RemoveSilentConnections);
    }

    public void Process(Record<string, SessionEvent> record)
    {
        var session = record.Value;
        if (session is null || string.IsNullOrEmpty(record.Key) || string.IsNullOrEmpty(session.ConnectionId) || !Topics.IsValidEdgeId(session.EdgeId))
        {
            // An edge id that cannot name a topic would fail every later delivery to this user: keep it out of the table.
            logger.LogWarning("Dropped a session event of user '{User}' without a connection id or with an unusable edge id ('{Edge}').", record.Key, session?.EdgeId);
            return;
        }
        var connections = _sessions.TryGet(record.Key, out var known) ? known : new UserConnections();
        var changed = connections.Apply(session);
        changed |= connections.RemoveSilent(SessionClock.Now(_context, record.Timestamp), options.SessionInactivityGap) > 0;
        if (!changed) return;
        if (connections.IsEmpty) _sessions.Delete(record.Key);
        else _sessions.Put(record.Key, connections);
    }

    private void RemoveSilentConnections(long nowMs)
    {
        // Collect first: the store is not changed while it is being scanned.
        var changed = new List<KeyValuePair<string, UserConnections>>();
        foreach (var (user, connections) in _sessions.All())
            if (connections.RemoveSilent(nowMs, options.FanOut.SessionPurgeAfter) > 0)
                changed.Add(new(user, connections));
        foreach (var (user, connections) in changed)
        {
            if (connections.IsEmpty) _sessions.Delete(user);
            else _sessions.Put(user, connections);
        }
        if (changed.Count > 0)
            logger.LogDebug("Removed silent connections of {Users} users from the sessions table.", changed.Count);
    }
}
