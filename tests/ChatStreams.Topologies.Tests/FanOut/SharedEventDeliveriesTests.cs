using ChatStreams.Streams.Serialization;
using ChatStreams.Topologies.FanOut;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;
using static ChatStreams.Topologies.Tests.FanOut.ChatEventsFor;

namespace ChatStreams.Topologies.Tests.FanOut;

/// <summary>
/// The deliveries of one event to its members are written with the event encoded once (SharedEventDeliveries): byte for
/// byte what the registry serde writes for each delivery on its own.
/// </summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class SharedEventDeliveriesTests(ChatRegistry registry)
{
    private static readonly SerdeContext ByUser = new("chatstreams-fanout-deliveries-by-user", null, IsKey: false);

    public static TheoryData<string> Events() => [.. EventsByName.Keys];

    private static readonly Dictionary<string, ChatEvent> EventsByName = new()
    {
        ["created"] = Created("g", "alice", ["alice", "bob", "carol"], title: "Team ✓"),
        ["direct"] = Direct("d", "alice", "bob"),
        ["message"] = Message("g", 7, "alice", "héllo 👋🏽 " + new string('x', 300)),
        ["message with a receipt"] = WithReceipt(Message("g", 8, "bob", "hi")),
        ["added"] = Added("g", 9, "alice", "dave"),
        ["removed"] = Removed("g", 10, "alice", "carol"),
        ["edited"] = Edited("g", 11, "alice", 7),
        ["reaction"] = Reaction("g", 12, "bob", 7),
    };

    private static ChatEvent WithReceipt(ChatEvent chatEvent)
    {
        chatEvent.IssuerReceipt = new ReceiptUpdate
        {
            ConversationId = chatEvent.ConversationId, UserId = chatEvent.UserId, DeliveredSeq = chatEvent.Seq, ReadSeq = chatEvent.Seq,
            CoveredSenders = ["alice", "carol"], At = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        };
        return chatEvent;
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void Each_members_delivery_is_the_bytes_the_registry_serde_writes(string name)
    {
        Assert.True(SharedEventDeliveries.Supported);
        var chatEvent = EventsByName[name];
        var serde = new RoutedDeliverySerde(registry.Serdes.Delivery);
        var shared = new SharedEventEncoding();
        DateTime[] times =
        [
            new(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc),
            new DateTime(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc).AddTicks(12_345), // a fraction of a millisecond
            new(1969, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc), // before the epoch
            new(2030, 6, 1, 8, 30, 0, DateTimeKind.Local),
        ];
        var index = 0;
        foreach (var (member, device, seq, receipt) in new (string, string?, long?, bool)[]
                 { ("alice", null, chatEvent.Seq, false), ("bob", "bob-phone", chatEvent.Seq, true), ("carol", null, null, true), ("dave", "tablet", 0, false) })
        {
            var delivery = new Delivery
            {
                UserId = member, DeviceId = device, ConversationId = chatEvent.ConversationId, Seq = seq,
                CreatedAt = times[index++ % times.Length], Payload = chatEvent, WithIssuerReceipt = receipt,
            };
            var alone = registry.Serdes.Delivery.Serialize(delivery, ByUser);
            var together = serde.Serialize(new Topologies.RoutedDelivery(null, delivery) { SharedEvent = shared }, ByUser);
            Assert.Equal(alone, together);
        }
        Assert.NotNull(shared.Encoded); // filled by the first delivery, used by the rest
    }

    [Fact]
    public void A_delivery_that_carries_no_event_is_encoded_on_its_own()
    {
        var serde = new RoutedDeliverySerde(registry.Serdes.Delivery);
        var shared = new SharedEventEncoding();
        var delivery = new Delivery
        {
            UserId = "bob", ConversationId = "g", CreatedAt = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            Payload = new ReceiptUpdate { ConversationId = "g", UserId = "alice", DeliveredSeq = 3, ReadSeq = 2, At = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
        };

        Assert.Equal(registry.Serdes.Delivery.Serialize(delivery, ByUser), serde.Serialize(new Topologies.RoutedDelivery(null, delivery) { SharedEvent = shared }, ByUser));
        Assert.Null(shared.Encoded);
    }
}
