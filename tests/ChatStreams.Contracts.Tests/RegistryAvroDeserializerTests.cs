using Avro.IO;
using Avro.Specific;
using chatstreams.v1;
using Confluent.Kafka;
using Confluent.SchemaRegistry.Serdes;

namespace ChatStreams.Contracts.Tests;

/// <summary>
/// The deserializer every edge and sink reads contract records with: the same bytes Confluent's serializer writes,
/// read back equal; bytes that are not a framed record of a known schema give an error naming the topic, never a
/// wrong record.
/// </summary>
public class RegistryAvroDeserializerTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    private static readonly SerializationContext Context = new(MessageComponentType.Value, Topics.ChatEvents);

    private static ChatEvent Event(long seq) => new()
    {
        ConversationId = "c1", Seq = seq, EventId = $"c1-e{seq}", CommandId = $"cmd{seq}", ClientMessageId = $"m{seq}",
        UserId = "alice", DeviceId = "alice-phone", OccurredAt = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        Payload = new MessageSent { MessageId = $"m-{seq}", Body = "hello " + seq, Attachments = [] },
    };

    [Fact]
    public async Task Reads_what_confluents_serializer_wrote_and_reads_it_like_confluents_deserializer()
    {
        var serdes = new ChatSerdes(registry.Client, registry.Options);
        var ours = serdes.ConsumerDeserializer<ChatEvent>();
        var theirs = new AvroDeserializer<ChatEvent>(registry.Client);

        for (var seq = 1; seq <= 50; seq++)
        {
            var bytes = await serdes.Serializer<ChatEvent>().SerializeAsync(Event(seq), Context);
            var read = ours.Deserialize(bytes, isNull: false, Context);
            Assert.Null(RecordComparer.FirstDifference(await theirs.DeserializeAsync(bytes, false, Context), read));
            Assert.Equal(seq, read.Seq);
        }
        Assert.Null(ours.Deserialize(ReadOnlySpan<byte>.Empty, isNull: true, Context));
    }

    [Fact]
    public async Task Bytes_that_are_not_a_framed_known_record_are_refused_with_the_topic_named()
    {
        var deserializer = new ChatSerdes(registry.Client, registry.Options).Deserializer<ChatEvent>();
        var good = await new ChatSerdes(registry.Client, registry.Options).Serializer<ChatEvent>().SerializeAsync(Event(1), Context);

        var notFramed = await Assert.ThrowsAsync<InvalidDataException>(() => deserializer.DeserializeAsync(new byte[] { 7, 1, 2 }, false, Context));
        Assert.Contains(Topics.ChatEvents, notFramed.Message);

        var unknownId = (byte[])good.Clone();
        unknownId[1] = 0x7f; // schema id 2 130 706 433+: not in the registry
        var unknown = await Assert.ThrowsAsync<InvalidDataException>(() => deserializer.DeserializeAsync(unknownId, false, Context));
        Assert.Contains("not available from the registry", unknown.Message);

        var truncated = good[..(good.Length / 2)];
        await Assert.ThrowsAsync<InvalidDataException>(() => deserializer.DeserializeAsync(truncated, false, Context));
    }

    [Fact]
    public void Plain_avro_without_the_registry_frame_is_refused()
    {
        using var stream = new MemoryStream();
        new SpecificDatumWriter<ChatEvent>(ChatEvent._SCHEMA).Write(Event(3), new BinaryEncoder(stream));

        var deserializer = new RegistryAvroDeserializer<ChatEvent>(registry.Client);

        Assert.Throws<InvalidDataException>(() => deserializer.Deserialize(stream.ToArray(), false, Context));
    }
}
