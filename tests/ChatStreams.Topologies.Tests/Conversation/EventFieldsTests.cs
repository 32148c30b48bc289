using ChatStreams.Contracts;
using ChatStreams.Topologies.Tests.Conversation.Support;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Conversation;

/// <summary>What every chat.event carries besides its payload: ids, the issuer's coordinates, times, the key.</summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class EventFieldsTests(ChatRegistry registry)
{
    private static readonly ChatUser Alice = new("alice", "alice-laptop", "edge-3");
    private static readonly ChatUser Bob = new("bob");

    [Fact]
    public void An_event_carries_the_command_issuer_device_edge_and_client_id()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));
        var issuedAt = new DateTime(2029, 12, 31, 23, 0, 0, 123, DateTimeKind.Utc);
        var send = Alice.Send("g1", "hello", clientMessageId: "client-42", issuedAt: issuedAt);

        chat.Pipe(send);
        var record = Assert.Single(chat.Events.ReadRecordsToList());

        Assert.Equal("g1", record.Key);
        var e = record.Value;
        Assert.Equal("g1", e.ConversationId);
        Assert.Equal(send.CommandId, e.CommandId);
        Assert.Equal("client-42", e.ClientMessageId);
        Assert.Equal("alice", e.UserId);
        Assert.Equal("alice-laptop", e.DeviceId);
        Assert.Equal("edge-3", e.EdgeId);
        Assert.Equal(issuedAt, e.CommandIssuedAt);
        Assert.Equal(ConversationDriver.StartClock.UtcDateTime, e.OccurredAt);
        Assert.False(string.IsNullOrEmpty(e.EventId));
    }

    [Fact]
    public void A_rejection_carries_the_same_coordinates_so_it_finds_the_device()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        var mallory = new ChatUser("mallory", "mallory-tablet", "edge-7");
        var send = mallory.Send("g1", "hi", clientMessageId: "c-1");

        chat.Pipe(send);
        var record = Assert.Single(chat.Events.ReadRecordsToList());

        Assert.Equal("g1", record.Key);
        var e = record.Value;
        e.IsRejected(RejectionCodes.NotMember, 0);
        Assert.Equal((send.CommandId, "c-1", "mallory", "mallory-tablet", "edge-7"), (e.CommandId, e.ClientMessageId, e.UserId, e.DeviceId, e.EdgeId));
        Assert.Equal(send.IssuedAt, e.CommandIssuedAt);
    }

    [Fact]
    public void Occurred_at_is_the_sequencers_wall_clock_not_the_record_time()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        chat.Driver.AdvanceWallClockTime(TimeSpan.FromMinutes(90));
        var e = chat.Single(Alice.Send("g1", "later"), timestampMs: ConversationDriver.StartMs + 5_000);

        Assert.Equal(ConversationDriver.StartClock.AddMinutes(90).UtcDateTime, e.OccurredAt);
    }

    [Fact]
    public void Event_ids_are_derived_from_the_command_so_a_replay_gives_the_same_ids()
    {
        var commands = new[]
        {
            Alice.CreateGroup("g1", ["bob"]),
            Alice.Send("g1", "one", clientMessageId: "m-1"),
            Bob.Send("g1", "two"),
            Alice.Send("g1", "one", clientMessageId: "m-1"), // re-acked
            new ChatUser("mallory").Send("g1", "x"), // refused
            Alice.Add("g1", "carol"),
            Bob.React("g1", 2, "👍"),
        };

        List<ChatEvent> Run()
        {
            using var chat = new ConversationDriver(registry.Serdes);
            return commands.SelectMany(c => chat.Process(c)).ToList();
        }

        var first = Run();
        var replay = Run();

        Assert.Equal(commands.Length, first.Count);
        Assert.Equal(first.Select(e => e.EventId), replay.Select(e => e.EventId));
        Assert.Equal(first.Select(e => e.Seq), replay.Select(e => e.Seq));
        Assert.Equal(
            first.Select(e => (e.Payload as MessageSent)?.MessageId),
            replay.Select(e => (e.Payload as MessageSent)?.MessageId));
        // ... and distinct commands give distinct ids.
        Assert.Equal(first.Count, first.Select(e => e.EventId).Distinct().Count());
        Assert.All(first, e => Assert.True(Guid.TryParse(e.EventId, out _), $"{e.EventId} is a UUID"));
    }

    [Fact]
    public void The_trace_context_of_the_command_is_propagated()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));
        var send = Alice.Send("g1", "traced");
        send.Trace = new TraceContext { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", TraceState = "vendor=1" };

        var e = chat.Single(send);

        Assert.Equal(send.Trace.TraceParent, e.Trace?.TraceParent);
        Assert.Equal("vendor=1", e.Trace?.TraceState);
    }

    [Fact]
    public void Receipt_updates_are_keyed_by_conversation_and_stamped_with_the_receipts_issue_time()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]), Alice.Send("g1", "a"));
        var issuedAt = new DateTime(2029, 12, 31, 23, 59, 59, 500, DateTimeKind.Utc);
        var read = Bob.Command("g1", new Receipt { Status = ReceiptStatus.Read, Seq = 2 }, issuedAt: issuedAt);

        chat.Pipe(read);
        var record = Assert.Single(chat.Receipts.ReadRecordsToList());

        Assert.Equal("g1", record.Key);
        Assert.Equal(issuedAt, record.Value.At);
    }
}
