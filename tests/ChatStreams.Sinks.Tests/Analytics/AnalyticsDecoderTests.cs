using Avro.Specific;
using ChatStreams.Contracts;
using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.Tests.Support;
using chatstreams.v1;
using Confluent.Kafka;

namespace ChatStreams.Sinks.Tests.Analytics;

/// <summary>What the analytics sink takes from each topic, and what it skips, with the contract serdes and the embedded registry.</summary>
public sealed class AnalyticsDecoderTests(KafkaFixture kafka) : IClassFixture<KafkaFixture>
{
    private AnalyticsDecoder Decoder => new(kafka.Serdes);

    private async Task<AnalyticsRecord?> DecodeAsync<T>(string topic, T? value) where T : class, ISpecificRecord
    {
        var bytes = value is null ? null : await kafka.Serdes.Serializer<T>().SerializeAsync(value, new SerializationContext(MessageComponentType.Value, topic));
        return await Decoder.DecodeAsync(Result(topic, bytes), default);
    }

    private static ConsumeResult<byte[]?, byte[]?> Result(string topic, byte[]? value) => new()
    {
        Topic = topic, Partition = 0, Offset = 0, Message = new Message<byte[]?, byte[]?> { Value = value, Headers = [] },
    };

    [Fact]
    public void It_subscribes_to_the_fixed_topics_and_every_delivery_topic_by_pattern()
    {
        Assert.Equal([Topics.ChatEvents, Topics.ChatReceipts, Topics.ChatPresence, @"^delivery\..+"], Decoder.Topics);
    }

    [Fact]
    public async Task Sequenced_events_are_taken_rejections_dedup_notices_and_seq_0_are_not()
    {
        var c = new ChatEvents("c1");
        var created = c.Created("alice", ["alice", "bob"]);
        var sent = c.Sent("alice", "hi");
        Assert.IsType<AnalyticsEventRecord>(await DecodeAsync(Topics.ChatEvents, sent));
        Assert.Null(await DecodeAsync(Topics.ChatEvents, c.Rejected("bob")));
        var dedup = c.Sent("alice", "again");
        dedup.Payload = new CommandDeduplicated { OriginalSeq = 2, OriginalEventId = sent.EventId, OriginalCommandId = sent.CommandId };
        Assert.Null(await DecodeAsync(Topics.ChatEvents, dedup));
        created.Seq = 0;
        Assert.Null(await DecodeAsync(Topics.ChatEvents, created));
    }

    [Fact]
    public async Task Deliveries_of_sequenced_events_carry_their_edge_other_payloads_are_skipped()
    {
        var c = new ChatEvents("c1");
        var sent = c.Sent("alice", "hi");
        var delivery = new Delivery { UserId = "bob", ConversationId = "c1", Seq = sent.Seq, CreatedAt = ChatEvents.Start, Payload = sent };
        var record = Assert.IsType<AnalyticsDeliveryRecord>(await DecodeAsync("delivery.edge-7", delivery));
        Assert.Equal("edge-7", record.Row.EdgeId);
        Assert.Equal(("c1", sent.Seq, "bob", "message_sent"), (record.Row.ConversationId, record.Row.Seq, record.Row.UserId, record.Row.EventType));

        delivery.Payload = ChatEvents.Receipt("c1", "alice", 1, 1);
        Assert.Null(await DecodeAsync("delivery.edge-7", delivery));
        delivery.Payload = new CommandOutcome { CommandId = "x", Status = CommandStatus.Rejected, Seq = 0, Code = "not_member" };
        Assert.Null(await DecodeAsync("delivery.edge-7", delivery));
        delivery.Payload = c.Rejected("bob");
        Assert.Null(await DecodeAsync("delivery.edge-7", delivery));
    }

    [Fact]
    public async Task A_delivery_written_with_another_delivery_schema_is_decoded_whole_to_the_same_row()
    {
        // A newer writer's Delivery: one more optional field at the end. Its bytes are ours plus that field (null).
        var json = System.Text.Json.Nodes.JsonNode.Parse(Delivery._SCHEMA.ToString())!;
        json["fields"]!.AsArray().Add(System.Text.Json.Nodes.JsonNode.Parse("""{"name":"note","type":["null","string"],"default":null}"""));
        var newer = await kafka.Serdes.Registry.RegisterSchemaAsync("analytics-decoder-test-newer-delivery", new Confluent.SchemaRegistry.Schema(json.ToJsonString(), Confluent.SchemaRegistry.SchemaType.Avro));
        var c = new ChatEvents("c1");
        var sent = c.Sent("alice", "hi");
        sent.CommandIssuedAt = sent.OccurredAt.AddMilliseconds(-5);
        var delivery = new Delivery { UserId = "bob", DeviceId = "phone", ConversationId = "c1", Seq = sent.Seq, CreatedAt = sent.OccurredAt.AddMilliseconds(9), Payload = sent };
        var ours = await kafka.Serdes.Serializer<Delivery>().SerializeAsync(delivery, new SerializationContext(MessageComponentType.Value, "delivery.edge-2"));
        var theirs = new byte[ours.Length + 1];
        ours.CopyTo(theirs, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(theirs.AsSpan(1, 4), newer);

        var fromOurs = Assert.IsType<AnalyticsDeliveryRecord>(await Decoder.DecodeAsync(Result("delivery.edge-2", ours), default));
        var fromTheirs = Assert.IsType<AnalyticsDeliveryRecord>(await Decoder.DecodeAsync(Result("delivery.edge-2", theirs), default));

        var expected = ChatFacts.Delivery("edge-2", delivery, sent);
        Assert.Equal(expected, fromOurs.Row);
        Assert.Equal(expected, fromTheirs.Row);
        Assert.Equal(14, expected.LatencyMs); // created 9 ms after the event, whose command was issued 5 ms before it
    }

    [Fact]
    public async Task Receipts_and_presence_are_taken_tombstones_skipped_and_garbage_is_poison()
    {
        Assert.IsType<AnalyticsReceiptRecord>(await DecodeAsync(Topics.ChatReceipts, ChatEvents.Receipt("c1", "bob", 3, 2)));
        Assert.IsType<AnalyticsPresenceRecord>(await DecodeAsync(Topics.ChatPresence,
            new PresenceChange { UserId = "bob", Status = PresenceStatus.Online, LastSeen = ChatEvents.Start, DevicesOnline = 1 }));
        Assert.Null(await DecodeAsync<PresenceChange>(Topics.ChatPresence, null)); // compaction tombstone
        await Assert.ThrowsAsync<UnreadableRecordException>(() => Decoder.DecodeAsync(Result(Topics.ChatEvents, [0, 0, 0, 0, 1, 0xff, 0xfe]), default));
        await Assert.ThrowsAsync<UnreadableRecordException>(() => Decoder.DecodeAsync(Result("delivery.edge-1", [1, 2, 3]), default));
    }
}
