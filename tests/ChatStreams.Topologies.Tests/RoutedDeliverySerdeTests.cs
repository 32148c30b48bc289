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

    /// <summary>Counts the decodings it is asked for; knows its own schema like the registry serde it wraps.</summary>
    private sealed class DecodeCountingSerde(ISerde<Delivery> inner) : ISerde<Delivery>, IOwnSchema
    {
        public int Deserialized { get; private set; }

        public byte[]? Serialize(Delivery value, SerdeContext context) => inner.Serialize(value, context);

        public Delivery Deserialize(ReadOnlySpan<byte> data, bool isNull, SerdeContext context)
        {
            Deserialized++;
            return inner.Deserialize(data, isNull, context);
        }

        public int OwnSchemaId => ((IOwnSchema)inner).OwnSchemaId;

        public bool IsWrittenWithOwnSchema(ReadOnlySpan<byte> data) => ((IOwnSchema)inner).IsWrittenWithOwnSchema(data);
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

    [Theory]
    [InlineData(null)]
    [InlineData("tablet")]
    public void A_delivery_in_this_builds_schema_is_routed_by_its_device_without_being_decoded(string? device)
    {
        var decoding = new DecodeCountingSerde(registry.Serdes.Delivery);
        var serde = new RoutedDeliverySerde(decoding);
        var sample = Sample();
        sample.DeviceId = device;
        var written = serde.Serialize(new RoutedDelivery(null, sample), Repartition)!;

        var read = serde.Deserialize(written, false, Repartition);
        var routed = read with { EdgeId = "edge-4" };

        Assert.Equal(device, routed.DeviceId);
        Assert.Equal(written, serde.Serialize(routed, EdgeTopic));
        Assert.Equal(0, decoding.Deserialized);
        // Asked for, the delivery is decoded once, whole.
        Assert.Equal("héllo", ((MessageSent)((ChatEvent)routed.Delivery.Payload).Payload).Body);
        Assert.Equal(device, routed.Delivery.DeviceId);
        Assert.Equal(1, decoding.Deserialized);
    }

    [Fact]
    public void A_delivery_in_another_schema_is_decoded_at_once()
    {
        var decoding = new DecodeCountingSerde(registry.Serdes.Delivery);
        var serde = new RoutedDeliverySerde(decoding);
        var written = serde.Serialize(new RoutedDelivery(null, Sample()), Repartition)!;
        // Another writer schema id: the fields cannot be taken in this build's order.
        var other = (byte[])written.Clone();
        other[4] ^= 0x7f;
        Assert.False(((IOwnSchema)registry.Serdes.Delivery).IsWrittenWithOwnSchema(other));

        Assert.True(((IOwnSchema)registry.Serdes.Delivery).IsWrittenWithOwnSchema(written));
        Assert.ThrowsAny<Exception>(() => serde.Deserialize(other, false, Repartition)); // no such schema: decoded, and refused, at once
        Assert.Equal(1, decoding.Deserialized);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("trailing")]
    public void Bytes_that_are_not_a_whole_delivery_are_refused_on_reading(string damage)
    {
        var serde = new RoutedDeliverySerde(registry.Serdes.Delivery);
        var written = serde.Serialize(new RoutedDelivery(null, Sample()), Repartition)!;
        var damaged = damage == "truncated" ? written[..^3] : [.. written, 0x02, 0x04];

        var e = Assert.Throws<SerializationException>(() => serde.Deserialize(damaged, false, Repartition));
        Assert.Contains("chatstreams-fanout-deliveries-by-user", e.Message);
    }

    [Fact]
    public void A_delivery_that_holds_together_but_does_not_decode_fails_when_asked_for()
    {
        var serde = new RoutedDeliverySerde(registry.Serdes.Delivery);
        var read = serde.Deserialize(UndecodableDelivery(serde), false, Repartition);

        Assert.Null(read.DeviceId);
        Assert.Throws<SerializationException>(() => read.Delivery);
    }

    /// <summary>
    /// A Delivery whose bytes are whole but whose createdAt (timestamp-millis) lies past the year 9999: its structure
    /// reads, its decoding fails.
    /// </summary>
    internal static byte[] UndecodableDelivery(RoutedDeliverySerde serde)
    {
        var sample = Sample();
        var written = serde.Serialize(new RoutedDelivery(null, sample), Repartition)!;
        // Header (5), userId "bob" (4), deviceId null (1), conversationId "c-1" (1 + 4), seq 3 (1 + 1): createdAt follows.
        const int createdAt = 5 + 4 + 1 + 5 + 2;
        var end = createdAt;
        while ((written[end] & 0x80) != 0) end++;
        // long.MaxValue zig-zag encoded: ten bytes, every bit set.
        byte[] huge = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        return [.. written[..createdAt], .. huge, .. written[(end + 1)..]];
    }
}
