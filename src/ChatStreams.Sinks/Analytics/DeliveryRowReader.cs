using System.Collections.Concurrent;
using Avro;
using ChatStreams.Contracts;
using chatstreams.v1;
using Confluent.SchemaRegistry;
using Schema = Avro.Schema;

namespace ChatStreams.Sinks.Analytics;

/// <summary>
/// Takes a deliveries row straight from a Delivery's Avro bytes: a few ids and times of the delivery and of the event it
/// carries, skipping the rest (the message body, attachments, trace). Deliveries are nine in ten of the records the
/// analytics sink reads, and decoding each whole — a ChatEvent object with its payload and strings — was a quarter of
/// the sink's CPU in the load benchmark. Used for writer schemas that are this build's Delivery schema (compared whole,
/// logical types and docs included, so a timestamp's unit cannot differ unseen); a delivery written with any other
/// schema is decoded whole and resolved against this build's.
/// </summary>
public sealed class DeliveryRowReader(ISchemaRegistryClient registry)
{
    private static readonly RecordSchema DeliverySchema = (RecordSchema)Delivery._SCHEMA;
    private static readonly string OwnSchema = DeliverySchema.ToString();
    private readonly ConcurrentDictionary<int, bool> _isOwnSchema = new();

    /// <summary>Whether a writer schema id is this build's Delivery schema (the registry is asked once per id).</summary>
    public async ValueTask<bool> IsOwnSchemaAsync(int schemaId)
    {
        if (_isOwnSchema.TryGetValue(schemaId, out var own)) return own;
        var schema = await registry.GetSchemaAsync(schemaId).ConfigureAwait(false);
        own = schema.SchemaType == SchemaType.Avro && Schema.Parse(schema.SchemaString).ToString() == OwnSchema;
        _isOwnSchema[schemaId] = own;
        return own;
    }

    /// <summary>
    /// The row of a delivery written with this build's schema (<paramref name="avro"/>: the Avro body, after the wire format's
    /// 5-byte header); null when it carries no sequenced ChatEvent (a receipt, presence change, command outcome,
    /// rejection or dedup notice), as <see cref="AnalyticsDecoder"/> skips those.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes do not hold a Delivery.</exception>
    public static DeliveryRow? Read(ReadOnlySpan<byte> avro, string edgeId)
    {
        var reader = new AvroSpanReader(avro);
        string? userId = null, deviceId = null;
        long? createdAt = null;
        CarriedEvent? carried = null;
        foreach (var field in DeliverySchema.Fields)
        {
            switch (field.Name)
            {
                case "userId": userId = reader.ReadString(); break;
                case "deviceId": deviceId = reader.ReadOptionalString(field.Schema); break;
                case "createdAt": createdAt = reader.ReadLong(); break;
                case "payload":
                    var branch = reader.ReadBranch((UnionSchema)field.Schema);
                    if (branch is not RecordSchema { Name: nameof(ChatEvent) } eventSchema) return null;
                    carried = ReadEvent(ref reader, eventSchema);
                    break;
                default: reader.Skip(field.Schema); break;
            }
        }
        if (userId is null || createdAt is null || carried is not { } e)
            throw new InvalidDataException("the Delivery schema lacks userId, createdAt or payload");
        return ChatEventDecoding.TakesPosition(e.PayloadName, e.Seq)
            ? ChatFacts.Delivery(edgeId, userId, deviceId, createdAt.Value, e.ConversationId, e.Seq, e.CommandIssuedAtMs, e.PayloadName)
            : null;
    }

    private readonly record struct CarriedEvent(string ConversationId, long Seq, long? CommandIssuedAtMs, string PayloadName);

    private static CarriedEvent ReadEvent(ref AvroSpanReader reader, RecordSchema schema)
    {
        string? conversationId = null, payloadName = null;
        long? seq = null, issuedAt = null;
        foreach (var field in schema.Fields)
        {
            switch (field.Name)
            {
                case "conversationId": conversationId = reader.ReadString(); break;
                case "seq": seq = reader.ReadLong(); break;
                case "commandIssuedAt": issuedAt = reader.ReadOptionalLong(field.Schema); break;
                case "payload":
                    var branch = reader.ReadBranch((UnionSchema)field.Schema);
                    payloadName = ((NamedSchema)branch).Name;
                    reader.Skip(branch);
                    break;
                default: reader.Skip(field.Schema); break;
            }
        }
        if (conversationId is null || seq is null || payloadName is null)
            throw new InvalidDataException("the ChatEvent schema lacks conversationId, seq or payload");
        return new CarriedEvent(conversationId, seq.Value, issuedAt, payloadName);
    }
}
