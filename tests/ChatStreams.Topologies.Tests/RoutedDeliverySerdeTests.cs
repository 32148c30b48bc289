using ChatStreams.Streams.Serialization;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests;

/// <summary>
/// A routed delivery read from a topic is written out again as the bytes it was read from (the delivery router passes
/// deliveries on unchanged); one made or changed in the topology is encoded.
/// </summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class RoutedDeliverySerdeTests(ChatRegistry registry)
{
    private static readonly SerdeContext Repartition = new("chatstreams-fanout-deliveries-by-user", null, IsKey: false);
    private static readonly SerdeContext EdgeTopic = new("delivery.edge-4", null, IsKey: false);

    /// <summary>Counts the encodings it is asked for.</summary>
    private sealed class CountingSerde(ISerde<Delivery> inner) : ISerde<Delivery>
    {
        public int Serialized { get; private set; }

        public byte[]? Serialize(Delivery value, SerdeContext context)
        {
            Serialized++;
            return inner.Serialize(value, context);
        }

        public Delivery Deserialize(ReadOnlySpan<byte> data, bool isNull, SerdeContext context) => inner.Deserialize(data, isNull, context);
    }

    private static Delivery Sample() => new()
    {
        UserId = "bob", ConversationId = "c-1", Seq = 3, CreatedAt = new DateTime(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc),
        Payload = new ChatEvent
        {
            ConversationId = "c-1", Seq = 3, EventId = "e-3", CommandId = "cmd-3", UserId = "alice", DeviceId = "phone",
            OccurredAt = new DateTime(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc), Payload = new MessageSent { MessageId = "m-3", Body = "héllo" },
        },
    };

    [Fact]
    public void A_delivery_read_and_routed_to_an_edge_is_written_as_the_bytes_it_was_read_from()
    {
        var counting = new CountingSerde(registry.Serdes.Delivery);
        var serde = new RoutedDeliverySerde(counting);
        var written = serde.Serialize(new RoutedDelivery(null, Sample()), Repartition)!;
        Assert.Equal(1, counting.Serialized);

        var read = serde.Deserialize(written, false, Repartition);
        Assert.Null(read.EdgeId);
        var routed = read with { EdgeId = "edge-4" };
        Assert.Equal(written, serde.Serialize(routed, EdgeTopic));
        Assert.Equal(1, counting.Serialized); // not encoded again

        var back = serde.Deserialize(serde.Serialize(routed, EdgeTopic), false, EdgeTopic);
        Assert.Equal("edge-4", back.EdgeId);
        Assert.Equal("héllo", ((MessageSent)((ChatEvent)back.Delivery.Payload).Payload).Body);
    }

    [Fact]
    public void A_delivery_made_from_one_that_was_read_is_encoded_anew()
    {
        var counting = new CountingSerde(registry.Serdes.Delivery);
        var serde = new RoutedDeliverySerde(counting);
        var read = serde.Deserialize(serde.Serialize(new RoutedDelivery(null, Sample()), Repartition)!, false, Repartition);
        var changed = Sample();
        changed.DeviceId = "tablet";

        var written = serde.Serialize(new RoutedDelivery(read.EdgeId, changed), EdgeTopic)!;

        Assert.Equal(2, counting.Serialized);
        Assert.Equal("tablet", serde.Deserialize(written, false, EdgeTopic).Delivery.DeviceId);
    }
}
