using Avro;
using Avro.IO;
using Avro.Specific;
using chatstreams.v1;

namespace ChatStreams.Topologies.FanOut;

/// <summary>
/// The encoding of one event, shared by its deliveries to the members: made empty once per event by the fan-out and
/// filled by the first of them that is written. Lives as long as that event's fan-out, so it never outlives the event.
/// </summary>
internal sealed class SharedEventEncoding
{
    internal byte[]? Encoded;
}

/// <summary>
/// Writes a member's delivery of an event with the event encoded once for all members. Avro's binary encoding of a
/// record is its fields' encodings one after another, so each delivery is its own few fields (recipient, time, receipt
/// flag) around the same bytes of the event; encoding the whole event again for each of a group's members was most of
/// what writing deliveries cost the fan-out thread. The bytes are those the registry serde writes (a test compares
/// them); only for this build's Delivery schema, whose layout is checked once.
/// </summary>
internal static class SharedEventDeliveries
{
    private static readonly RecordSchema DeliverySchema = (RecordSchema)Delivery._SCHEMA;
    private static readonly UnionSchema PayloadUnion = (UnionSchema)DeliverySchema.Fields.Single(f => f.Name == "payload").Schema;
    private static readonly int EventBranch = Enumerable.Range(0, PayloadUnion.Count).FirstOrDefault(i => PayloadUnion[i] is RecordSchema { Fullname: "chatstreams.v1.ChatEvent" }, -1);
    private static readonly ThreadLocal<SpecificDatumWriter<ChatEvent>> EventWriter =
        new(() => new SpecificDatumWriter<ChatEvent>(PayloadUnion[EventBranch]));

    /// <summary>Whether this build's Delivery schema has the layout <see cref="Write"/> puts together.</summary>
    public static bool Supported { get; } = HasExpectedLayout();

    /// <summary>The delivery in Confluent's wire format under <paramref name="schemaId"/>, its event taken from (or put into) <paramref name="shared"/>.</summary>
    public static byte[] Write(int schemaId, Delivery delivery, ChatEvent chatEvent, SharedEventEncoding shared)
    {
        var encodedEvent = shared.Encoded ??= EncodeEvent(chatEvent);
        return RecordWriteBuffer.Write((schemaId, delivery, encodedEvent), static (stream, state) =>
        {
            var (schemaId, delivery, encodedEvent) = state;
            WireFormatHeader.Write(stream, schemaId);
            var encoder = new BinaryEncoder(stream);
            encoder.WriteString(delivery.UserId);
            WriteOptional(encoder, delivery.DeviceId);
            WriteOptional(encoder, delivery.ConversationId);
            if (delivery.Seq is { } seq)
            {
                encoder.WriteUnionIndex(1);
                encoder.WriteLong(seq);
            }
            else encoder.WriteUnionIndex(0);
            encoder.WriteLong(TimestampMillis(delivery.CreatedAt));
            encoder.WriteUnionIndex(EventBranch);
            stream.Write(encodedEvent);
            encoder.WriteBoolean(delivery.WithIssuerReceipt);
        });
    }

    private static byte[] EncodeEvent(ChatEvent chatEvent) =>
        RecordWriteBuffer.Write(chatEvent, static (stream, chatEvent) => EventWriter.Value!.Write(chatEvent, new BinaryEncoder(stream)));

    private static void WriteOptional(BinaryEncoder encoder, string? value)
    {
        if (value is null)
        {
            encoder.WriteUnionIndex(0);
            return;
        }
        encoder.WriteUnionIndex(1);
        encoder.WriteString(value);
    }

    /// <summary>Avro's timestamp-millis of a DateTime, as its own conversion computes it (UTC, whole milliseconds truncated).</summary>
    private static long TimestampMillis(DateTime value) => (long)(value.ToUniversalTime() - DateTime.UnixEpoch).TotalMilliseconds;

    private static bool HasExpectedLayout()
    {
        string[] names = ["userId", "deviceId", "conversationId", "seq", "createdAt", "payload", "withIssuerReceipt"];
        var fields = DeliverySchema.Fields;
        return EventBranch >= 0
            && fields.Select(f => f.Name).SequenceEqual(names)
            && fields[0].Schema.Tag == Schema.Type.String
            && IsOptional(fields[1].Schema, Schema.Type.String)
            && IsOptional(fields[2].Schema, Schema.Type.String)
            && IsOptional(fields[3].Schema, Schema.Type.Long)
            && fields[4].Schema is LogicalSchema { LogicalTypeName: "timestamp-millis", BaseSchema.Tag: Schema.Type.Long }
            && fields[6].Schema.Tag == Schema.Type.Boolean;
    }

    private static bool IsOptional(Schema schema, Schema.Type type) =>
        schema is UnionSchema { Count: 2 } union && union[0].Tag == Schema.Type.Null && union[1].Tag == type;
}
