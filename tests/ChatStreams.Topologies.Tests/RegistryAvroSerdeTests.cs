using ChatStreams.Contracts;
using ChatStreams.Streams.Serialization;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;
using Confluent.Kafka;

namespace ChatStreams.Topologies.Tests;

/// <summary>The topologies' synchronous Avro serde writes and reads exactly what Confluent's serdes do.</summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class RegistryAvroSerdeTests(ChatRegistry registry)
{
    private static readonly SerdeContext Context = new("chat.events", null, IsKey: false);

    private static ChatEvent SampleEvent() => new()
    {
        ConversationId = "c-1",
        Seq = 7,
        EventId = "e-1",
        CommandId = "cmd-1",
        ClientMessageId = "m-1",
        UserId = "alice",
        DeviceId = "phone",
        EdgeId = "edge-1",
        OccurredAt = new DateTime(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc),
        CommandIssuedAt = new DateTime(2030, 1, 1, 11, 59, 59, DateTimeKind.Utc),
        Payload = new MessageSent { MessageId = "e-1", Body = "héllo 👋", Attachments = [new Attachment { MediaId = "m", SizeBytes = 12 }] },
    };

    private ChatSerdes Confluent() => new(registry.Client, new SchemaRegistryClientOptions { Url = registry.Url });

    [Fact]
    public async Task Bytes_are_identical_to_confluents_serializer()
    {
        var ours = registry.Serdes.Event.Serialize(SampleEvent(), Context)!;
        var theirs = await Confluent().Serializer<ChatEvent>().SerializeAsync(SampleEvent(), new SerializationContext(MessageComponentType.Value, "chat.events"));
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public async Task Each_reads_what_the_other_wrote()
    {
        var ours = registry.Serdes.Event.Serialize(SampleEvent(), Context)!;
        var readByConfluent = await Confluent().Deserializer<ChatEvent>().DeserializeAsync(ours, false, new SerializationContext(MessageComponentType.Value, "chat.events"));
        Assert.Equal("héllo 👋", ((MessageSent)readByConfluent.Payload).Body);

        var theirs = await Confluent().Serializer<ChatEvent>().SerializeAsync(SampleEvent(), new SerializationContext(MessageComponentType.Value, "chat.events"));
        var readByUs = registry.Serdes.Event.Deserialize(theirs, false, Context);
        Assert.Equal(7, readByUs.Seq);
        Assert.Equal(12, ((MessageSent)readByUs.Payload).Attachments.Single().SizeBytes);
        Assert.Equal(SampleEvent().OccurredAt, readByUs.OccurredAt);
    }

    [Fact]
    public void Null_is_a_tombstone_both_ways()
    {
        Assert.Null(registry.Serdes.Event.Serialize(null!, Context));
        Assert.Null(registry.Serdes.Event.Deserialize(default, true, Context));
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 7, 0, 0, 0, 1, 2 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF })]
    public void Bytes_that_are_not_a_registered_record_fail_with_a_serialization_error(byte[] data)
    {
        var error = Assert.Throws<SerializationException>(() => registry.Serdes.Event.Deserialize(data, false, Context));
        Assert.Contains("chat.events", error.Message);
    }

    [Fact]
    public void A_record_cut_short_fails_with_a_serialization_error_even_when_its_buffer_goes_on()
    {
        // The reader decodes in place from the bytes it is given: a cut-short record must end at its span, not read on
        // into whatever follows it in memory (here the rest of the same record).
        var whole = registry.Serdes.Event.Serialize(SampleEvent(), Context)!;
        for (var length = 5; length < whole.Length; length++)
            Assert.Throws<SerializationException>(() => registry.Serdes.Event.Deserialize(whole.AsSpan(0, length), false, Context));
        Assert.Equal(7, registry.Serdes.Event.Deserialize(whole, false, Context).Seq);
    }

    [Fact]
    public void An_unknown_schema_id_fails_with_a_serialization_error_naming_it()
    {
        var error = Assert.Throws<SerializationException>(() => registry.Serdes.Event.Deserialize(new byte[] { 0, 0, 0, 0x7F, 0x7F, 2 }, false, Context));
        Assert.Contains("32639", error.Message);
    }

    [Fact]
    public async Task Many_threads_share_one_serde()
    {
        var serde = registry.Serdes.Event;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                var e = SampleEvent();
                e.Seq = t * 1000 + i;
                Assert.Equal(e.Seq, serde.Deserialize(serde.Serialize(e, Context), false, Context).Seq);
            }
        })));
    }
}
