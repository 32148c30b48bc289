using ChatStreams.Topologies.Tests.Support;
using ChatStreams.Contracts;
using ChatStreams.Streams;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.Testing;
using ChatStreams.Topologies.Presence;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Presence;

/// <summary>One connection of a user's device at an edge, as the tests drive it.</summary>
internal sealed record Connection(string UserId, string DeviceId, string EdgeId, string ConnectionId);

/// <summary>
/// The presence topology in a <see cref="TopologyTestDriver"/> with short, fixed timings (gap 30 s, debounce 5 s,
/// check every 1 s, groups up to 3 members link peers) and a fixed wall clock. Session events are stamped with the
/// wall clock, as edges stamp them with theirs; <see cref="Elapse"/> moves the wall clock one check interval at a time,
/// as the runtime's punctuation would, heartbeating the connections it is told are alive every 10 s.
/// </summary>
internal sealed class PresenceScenario : IDisposable
{
    public static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    private readonly ContractSerdes _serdes;
    private readonly TestInputTopic<string, SessionEvent> _sessions;
    private readonly TestInputTopic<string, ChatEvent> _events;
    private readonly TestOutputTopic<string, PresenceChange> _presence;
    private readonly Dictionary<string, long> _seqs = new(StringComparer.Ordinal);
    private TimeSpan _sinceHeartbeat = TimeSpan.Zero;

    public PresenceScenario(ContractSerdes serdes, int partitions = 1, TopologyOptions? options = null)
    {
        _serdes = serdes;
        Options = options ?? DefaultOptions();
        Topology = PresenceTopology.Build(serdes, Options, DriverTopics.For(partitions));
        Driver = new TopologyTestDriver(Topology, new StreamsConfig { ApplicationId = PresenceTopology.ApplicationId }, Start, partitions);
        _sessions = Driver.CreateInputTopic(Topics.ChatSessions, Serdes.String, serdes.Session);
        _events = Driver.CreateInputTopic(Topics.ChatEvents, Serdes.String, serdes.Event);
        _presence = Driver.CreateOutputTopic(Topics.ChatPresence, Serdes.String, serdes.Presence);
    }

    public TopologyOptions Options { get; }

    public Topology Topology { get; }

    public TopologyTestDriver Driver { get; }

    public DateTimeOffset Now => Driver.WallClock;

    public static TopologyOptions DefaultOptions() => new()
    {
        SessionInactivityGap = TimeSpan.FromSeconds(30),
        Presence = new PresenceOptions { OfflineDebounce = TimeSpan.FromSeconds(5), CheckInterval = TimeSpan.FromSeconds(1), MaxGroupSize = 3 },
    };

    // ---- sessions ----

    public Connection Connect(string user, string device = "phone", string edge = "edge-1", string? connectionId = null)
    {
        var connection = new Connection(user, device, edge, connectionId ?? $"{user}-{device}-{edge}-{Now.ToUnixTimeMilliseconds()}");
        PipeSession(connection, SessionEventKind.Connect);
        return connection;
    }

    public void Heartbeat(params Connection[] connections)
    {
        foreach (var c in connections) PipeSession(c, SessionEventKind.Heartbeat);
    }

    public void Disconnect(Connection connection) => PipeSession(connection, SessionEventKind.Disconnect);

    public void PipeSession(Connection c, SessionEventKind kind, DateTimeOffset? at = null) =>
        PipeSession(c.UserId, Session(c, kind, at ?? Now));

    public void PipeSession(string key, SessionEvent? session) => _sessions.PipeInput(key, session!, Now.ToUnixTimeMilliseconds());

    public static SessionEvent Session(Connection c, SessionEventKind kind, DateTimeOffset at) => new()
    {
        UserId = c.UserId, DeviceId = c.DeviceId, EdgeId = c.EdgeId, ConnectionId = c.ConnectionId, Kind = kind, At = at.UtcDateTime,
    };

    /// <summary>
    /// Moves the wall clock by <paramref name="by"/> in check-interval steps (each runs the due punctuation), sending a
    /// heartbeat of every connection in <paramref name="alive"/> each 10 s, as their edges would.
    /// </summary>
    public void Elapse(TimeSpan by, params Connection[] alive)
    {
        var step = Options.Presence.CheckInterval;
        for (var elapsed = TimeSpan.Zero; elapsed < by; elapsed += step)
        {
            Driver.AdvanceWallClockTime(step);
            _sinceHeartbeat += step;
            if (_sinceHeartbeat < HeartbeatInterval) continue;
            _sinceHeartbeat = TimeSpan.Zero;
            Heartbeat(alive);
        }
    }

    // ---- conversations ----

    public void CreateDirect(string conversationId, string a, string b) => CreateConversation(conversationId, ConversationKind.Direct, a, b);

    public void CreateGroup(string conversationId, params string[] members) => CreateConversation(conversationId, ConversationKind.Group, members);

    public void CreateConversation(string conversationId, ConversationKind kind, params string[] members) =>
        PipeEvent(conversationId, new ConversationCreated { Kind = kind, Members = members.ToList(), Admins = kind == ConversationKind.Group ? [members[0]] : [] });

    public void AddMember(string conversationId, string member) => PipeEvent(conversationId, new MemberAdded { MemberId = member });

    public void RemoveMember(string conversationId, string member) => PipeEvent(conversationId, new MemberRemoved { MemberId = member });

    public void SendMessage(string conversationId, string sender) =>
        PipeEvent(conversationId, new MessageSent { MessageId = Guid.NewGuid().ToString(), Body = "hi" }, sender);

    /// <summary>Pipes an event with the conversation's next seq (or <paramref name="seq"/>, to replay one).</summary>
    public void PipeEvent(string conversationId, object payload, string userId = "admin", long? seq = null)
    {
        var next = seq ?? (_seqs[conversationId] = _seqs.GetValueOrDefault(conversationId) + 1);
        _events.PipeInput(conversationId, Event(conversationId, next, payload, userId), Now.ToUnixTimeMilliseconds());
    }

    public ChatEvent Event(string conversationId, long seq, object payload, string userId = "admin") => new()
    {
        ConversationId = conversationId, Seq = seq, EventId = Guid.NewGuid().ToString(), CommandId = Guid.NewGuid().ToString(),
        UserId = userId, DeviceId = "device", OccurredAt = Now.UtcDateTime, Payload = payload,
    };

    // ---- outputs ----

    /// <summary>Every change written to chat.presence since the last read.</summary>
    public List<TestRecord<string, PresenceChange>> PresenceChanges() => _presence.ReadRecordsToList();

    /// <summary>Every delivery written to delivery.&lt;edge&gt; since the last read.</summary>
    public List<TestRecord<string, Delivery>> Deliveries(string edge) =>
        Driver.CreateOutputTopic(Topics.Delivery(edge), Serdes.String, _serdes.Delivery).ReadRecordsToList();

    /// <summary>The presence changes delivered at <paramref name="edge"/>, as (recipient, about whom, status).</summary>
    public List<(string Recipient, string UserId, PresenceStatus Status)> PresenceDelivered(string edge) =>
        Deliveries(edge).Select(d => (d.Key, ((PresenceChange)d.Value.Payload).UserId, ((PresenceChange)d.Value.Payload).Status)).ToList();

    /// <summary>Topics with records not read yet (a test ends by asserting nothing unexpected was written).</summary>
    public IReadOnlyList<string> UnreadOutputs() => Driver.ProducedTopicNames
        .Where(t => t == Topics.ChatPresence || t.StartsWith(Topics.DeliveryPrefix, StringComparison.Ordinal)).ToList();

    public void Dispose() => Driver.Dispose();
}
