using ChatStreams.Topologies.Tests.Support;
using ChatStreams.Contracts;
using ChatStreams.Streams;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.Testing;
using ChatStreams.Topologies.FanOut;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.FanOut;

/// <summary>One delivery as an edge reads it: the edge (from the topic), the key and the record.</summary>
internal sealed record RoutedDelivery(string Edge, string Key, Delivery Delivery)
{
    public ChatEvent? Event => Delivery.Payload as ChatEvent;

    /// <summary>(edge, user, conversation, seq) of a carried event: what "exactly once" is counted by.</summary>
    public (string Edge, string User, string? Conversation, long? Seq) Address => (Edge, Key, Delivery.ConversationId, Delivery.Seq);
}

/// <summary>The fan-out topology in a TopologyTestDriver with a fixed wall clock, explicit record timestamps and helpers to read what each edge got.</summary>
internal sealed class FanOutRig : IDisposable
{
    public static readonly DateTimeOffset Start = DateTimeOffset.Parse("2030-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly ContractSerdes _serdes;
    private long _nextTimestamp = Start.ToUnixTimeMilliseconds();
    private int _connections;

    public FanOutRig(ContractSerdes serdes, int partitions = 1, TopologyOptions? options = null)
    {
        _serdes = serdes;
        Options = options ?? new TopologyOptions();
        Driver = new TopologyTestDriver(FanOutTopology.Build(serdes, Options, DriverTopics.For(partitions)),
            new StreamsConfig { ApplicationId = FanOutTopology.ApplicationId }, Start, partitions);
        Events = Driver.CreateInputTopic(Topics.ChatEvents, Serdes.String, serdes.Event);
        Receipts = Driver.CreateInputTopic(Topics.ChatReceipts, Serdes.String, serdes.Receipt);
        Sessions = Driver.CreateInputTopic(Topics.ChatSessions, Serdes.String, serdes.Session);
        Notifications = Driver.CreateOutputTopic(Topics.ChatNotifications, Serdes.String, serdes.Notification);
    }

    public TopologyOptions Options { get; }
    public TopologyTestDriver Driver { get; }
    public TestInputTopic<string, ChatEvent> Events { get; }
    public TestInputTopic<string, ReceiptUpdate> Receipts { get; }
    public TestInputTopic<string, SessionEvent> Sessions { get; }
    public TestOutputTopic<string, Notification> Notifications { get; }

    public DateTime Now => Driver.WallClock.UtcDateTime;

    /// <summary>Each record gets the next millisecond, so the record order is the time order.</summary>
    /// <summary>Records are stamped when they are piped, as a producer stamps them: at the driver's wall clock, increasing.</summary>
    private long NextTimestamp() => _nextTimestamp = Math.Max(_nextTimestamp + 1, Driver.WallClock.ToUnixTimeMilliseconds());

    public void Pipe(params ChatEvent[] events)
    {
        foreach (var e in events) Events.PipeInput(e.ConversationId, e, NextTimestamp());
    }

    public void Pipe(ReceiptUpdate update) => Receipts.PipeInput(update.ConversationId, update, NextTimestamp());

    /// <summary>Connects a device at an edge now; returns the connection id.</summary>
    public string Connect(string user, string device, string edge)
    {
        var connection = $"conn-{++_connections}";
        Session(user, device, edge, connection, SessionEventKind.Connect);
        return connection;
    }

    public void Heartbeat(string user, string device, string edge, string connection) => Session(user, device, edge, connection, SessionEventKind.Heartbeat);

    public void Disconnect(string user, string device, string edge, string connection) => Session(user, device, edge, connection, SessionEventKind.Disconnect);

    public void Session(string user, string device, string edge, string connection, SessionEventKind kind) =>
        Sessions.PipeInput(user, new SessionEvent
        {
            UserId = user, DeviceId = device, EdgeId = edge, ConnectionId = connection, Kind = kind, At = Now,
            Reason = kind == SessionEventKind.Disconnect ? "client_closed" : null,
        }, NextTimestamp());

    /// <summary>Everything written to any delivery.&lt;edge&gt; topic since the last read, in write order per topic.</summary>
    public List<RoutedDelivery> ReadDeliveries()
    {
        var all = new List<RoutedDelivery>();
        foreach (var topic in Driver.ProducedTopicNames.Where(t => t.StartsWith(Topics.DeliveryPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var edge = topic[Topics.DeliveryPrefix.Length..];
            all.AddRange(Driver.CreateOutputTopic(topic, Serdes.String, _serdes.Delivery).ReadRecordsToList()
                .Select(r => new RoutedDelivery(edge, r.Key, r.Value)));
        }
        return all;
    }

    /// <summary>The seqs of the carried events each user got at one edge, by user.</summary>
    public static Dictionary<string, List<long>> SeqsByUser(IEnumerable<RoutedDelivery> deliveries, string edge) =>
        deliveries.Where(d => d.Edge == edge && d.Event is not null)
            .GroupBy(d => d.Key)
            .ToDictionary(g => g.Key, g => g.Select(d => d.Event!.Seq).ToList());

    public void Dispose() => Driver.Dispose();
}

/// <summary>Builders of the conversation topology's events, with the defaults a test does not care about.</summary>
internal static class ChatEventsFor
{
    private static readonly DateTime At = FanOutRig.Start.UtcDateTime;

    public static ChatEvent Event(string conversation, long seq, string user, object payload, string device = "dev", string? edge = null) => new()
    {
        ConversationId = conversation,
        Seq = seq,
        EventId = $"{conversation}-{seq}-{Guid.NewGuid():N}",
        CommandId = $"cmd-{conversation}-{seq}",
        ClientMessageId = $"cm-{conversation}-{seq}",
        UserId = user,
        DeviceId = device,
        EdgeId = edge,
        OccurredAt = At,
        Payload = payload,
    };

    public static ChatEvent Created(string conversation, string creator, IEnumerable<string> members, ConversationKind kind = ConversationKind.Group, string? title = null) =>
        Event(conversation, 1, creator, new ConversationCreated { Kind = kind, Title = title, Members = members.ToList(), Admins = [creator] });

    public static ChatEvent Direct(string conversation, string a, string b) => Created(conversation, a, [a, b], ConversationKind.Direct);

    public static ChatEvent Message(string conversation, long seq, string sender, string? body = null) =>
        Event(conversation, seq, sender, new MessageSent { MessageId = $"m-{conversation}-{seq}", Body = body ?? $"message {seq}" });

    public static ChatEvent Added(string conversation, long seq, string admin, string member) =>
        Event(conversation, seq, admin, new MemberAdded { MemberId = member });

    public static ChatEvent Removed(string conversation, long seq, string admin, string member) =>
        Event(conversation, seq, admin, new MemberRemoved { MemberId = member });

    public static ChatEvent Edited(string conversation, long seq, string editor, long target) =>
        Event(conversation, seq, editor, new MessageEdited { TargetSeq = target, Body = "edited" });

    public static ChatEvent Reaction(string conversation, long seq, string user, long target) =>
        Event(conversation, seq, user, new ReactionChanged { TargetSeq = target, Emoji = "👍" });

    public static ChatEvent Rejected(string conversation, long lastSeq, string user, string device, string? edge, string code = RejectionCodes.NotMember) =>
        Event(conversation, lastSeq, user, new CommandRejected { Code = code, Reason = "not allowed here" }, device, edge);

    public static ChatEvent Deduplicated(string conversation, long lastSeq, string user, string device, string? edge, long originalSeq) =>
        Event(conversation, lastSeq, user, new CommandDeduplicated { OriginalSeq = originalSeq, OriginalEventId = "e-orig", OriginalCommandId = "cmd-orig" }, device, edge);

    public static ReceiptUpdate Receipt(string conversation, string user, long delivered, long read, params string[] coveredSenders) => new()
    {
        ConversationId = conversation,
        UserId = user,
        DeliveredSeq = delivered,
        ReadSeq = read,
        At = At,
        CoveredSenders = coveredSenders.ToList(),
    };
}
