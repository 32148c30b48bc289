using Avro;
using Avro.IO;
using Avro.Specific;
using chatstreams.v1;

namespace ChatStreams.Contracts.Tests;

/// <summary>Every record survives Avro's specific writer and reader with every field equal, through every union branch.</summary>
public class AvroRoundTripTests
{
    public static TheoryData<string, int, bool> Samples()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var record in ContractTypes.Records)
            for (var variant = 0; variant < SampleRecords.VariantsFor(record); variant++)
            {
                data.Add(record.Fullname, variant, false);
                data.Add(record.Fullname, variant, true);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Populated_record_round_trips_with_all_fields_equal(string fullName, int variant, bool minimal)
    {
        var schema = (RecordSchema)ContractSchemas.Named(fullName);
        var original = new SampleRecords(variant, minimal).Record(schema);

        var copy = RoundTrip(schema, original);

        Assert.IsType(original.GetType(), copy);
        Assert.Null(RecordComparer.FirstDifference(original, copy));
    }

    [Fact]
    public void Every_union_branch_is_exercised()
    {
        // Guards the sample generator: each payload type must appear in some round-tripped sample.
        var seen = new HashSet<Type>();
        foreach (var record in ContractTypes.Records)
            for (var variant = 0; variant < SampleRecords.VariantsFor(record); variant++)
                Collect(new SampleRecords(variant, minimal: false).Record(record), seen);
        var recordTypes = ContractTypes.Records.Select(ContractTypes.ClrTypeOf);
        Assert.Empty(recordTypes.Except(seen));
    }

    [Fact]
    public void A_send_command_keeps_its_values()
    {
        var issuedAt = new DateTime(2025, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc);
        var command = new ChatCommand
        {
            CommandId = "cmd-1",
            ConversationId = "conv-1",
            UserId = "alice",
            DeviceId = "phone",
            EdgeId = "edge-0",
            ClientMessageId = "client-7",
            IssuedAt = issuedAt,
            Payload = new SendMessage
            {
                Body = "hello \ud83d\udc4b",
                Attachments = [new Attachment { MediaId = "m1", ContentType = "image/png", SizeBytes = 1234 }],
            },
        };

        var copy = (ChatCommand)RoundTrip(ChatCommand._SCHEMA, command);

        Assert.Equal("conv-1", copy.ConversationId);
        Assert.Equal("client-7", copy.ClientMessageId);
        Assert.Equal(issuedAt, copy.IssuedAt);
        Assert.Null(copy.Trace);
        var send = Assert.IsType<SendMessage>(copy.Payload);
        Assert.Equal("hello \ud83d\udc4b", send.Body);
        var attachment = Assert.Single(send.Attachments);
        Assert.Equal(("m1", "image/png", (string?)null, (long?)1234), (attachment.MediaId, attachment.ContentType, attachment.FileName, attachment.SizeBytes));
    }

    [Fact]
    public void The_comparer_reports_a_changed_nested_field()
    {
        var schema = (RecordSchema)ContractSchemas.Named("chatstreams.v1.Delivery");
        var original = (Delivery)new SampleRecords(0, minimal: false).Record(schema);
        var copy = (Delivery)RoundTrip(schema, original);
        ((ChatEvent)copy.Payload).Seq++;
        Assert.Equal("$.payload.seq", RecordComparer.FirstDifference(original, copy)?.Split(':')[0]);
    }

    [Fact]
    public void A_payload_outside_the_union_is_refused_when_written()
    {
        var command = new ChatCommand
        {
            CommandId = "c", ConversationId = "v", UserId = "u", DeviceId = "d", EdgeId = "e",
            IssuedAt = DateTime.UtcNow,
            Payload = new MessageSent { MessageId = "m", Body = "an event is not a command" },
        };
        Assert.ThrowsAny<AvroException>(() => RoundTrip(ChatCommand._SCHEMA, command));
    }

    private static object RoundTrip(Schema schema, ISpecificRecord record)
    {
        using var stream = new MemoryStream();
        new SpecificDatumWriter<ISpecificRecord>(schema).Write(record, new BinaryEncoder(stream));
        stream.Position = 0;
        var copy = new SpecificDatumReader<ISpecificRecord>(schema, schema).Read(null!, new BinaryDecoder(stream));
        Assert.Equal(stream.Length, stream.Position); // nothing left unread
        return copy;
    }

    private static void Collect(object? value, HashSet<Type> seen)
    {
        switch (value)
        {
            case ISpecificRecord record:
                seen.Add(record.GetType());
                foreach (var field in ((RecordSchema)record.Schema).Fields) Collect(record.Get(field.Pos), seen);
                break;
            case System.Collections.IList list:
                foreach (var item in list) Collect(item, seen);
                break;
        }
    }
}
