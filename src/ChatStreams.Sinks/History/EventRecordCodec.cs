using System.Text.Json.Nodes;
using Avro;
using Avro.IO;
using Avro.Specific;
using chatstreams.v1;

namespace ChatStreams.Sinks.History;

/// <summary>
/// A stored event is the ChatEvent in plain Avro binary (the contract schema, no registry framing): the store gives
/// back exactly what chat.events carried, and needs no registry to read it.
/// </summary>
/// <remarks>
/// Rows carry no schema id, so a row written before a field was added is read with the schema as it was then
/// (<see cref="Legacy"/>), Avro's resolution filling the new fields with their defaults. Live-only fields
/// (<see cref="LiveOnlyFields"/>) are never stored, so adding one changes no row. Fields are only ever
/// appended to the last record of the payload union branch they belong to, so an old row read with the new schema
/// runs out of bytes and fails instead of being misread.
/// </remarks>
internal static class EventRecordCodec
{
    /// <summary>
    /// Fields of the ChatEvent that are not stored: they matter only on the way to the recipients (the issuer's receipt
    /// rides with the live event; history keeps receipt state from chat.receipts). (record name, field name).
    /// </summary>
    private static readonly (string Record, string Field)[] LiveOnlyFields = [("ChatEvent", "issuerReceipt")];

    /// <summary>Fields added to the stored ChatEvent since rows were first written: (record name, field name).</summary>
    private static readonly (string Record, string Field)[] AddedFields =
        [("ConversationCreated", "encrypted"), ("MessageSent", "ciphertext")];

    /// <summary>The schema rows are written with: the contract's ChatEvent without its live-only fields.</summary>
    private static readonly Lazy<Schema> Stored = new(() => Without(ChatEvent._SCHEMA, LiveOnlyFields));

    private static readonly Lazy<Schema> Legacy = new(() => Without(Stored.Value, AddedFields));

    public static byte[] Encode(ChatEvent e)
    {
        using var stream = new MemoryStream();
        // Live-only fields are the last of their record, so the fields before them keep their positions.
        new SpecificDatumWriter<ChatEvent>(Stored.Value).Write(e, new BinaryEncoder(stream));
        return stream.ToArray();
    }

    public static ChatEvent Decode(byte[] bytes)
    {
        try
        {
            return Read(bytes, Stored.Value);
        }
        catch (Exception e) when (e is EndOfStreamException or AvroException)
        {
            return Read(bytes, Legacy.Value);
        }
    }

    private static ChatEvent Read(byte[] bytes, Schema writer)
    {
        using var stream = new MemoryStream(bytes);
        var decoded = new SpecificDatumReader<ChatEvent>(writer, ChatEvent._SCHEMA).Read(null!, new BinaryDecoder(stream));
        if (stream.Position != stream.Length) throw new AvroException("trailing bytes after the event");
        return decoded;
    }

    private static Schema Without(Schema schema, (string Record, string Field)[] removed)
    {
        var root = JsonNode.Parse(schema.ToString())!;
        Strip(root, removed);
        return Schema.Parse(root.ToJsonString());
    }

    private static void Strip(JsonNode? node, (string Record, string Field)[] removed)
    {
        switch (node)
        {
            case JsonObject record:
                if (record["fields"] is JsonArray fields && record["name"]?.GetValue<string>() is { } fullName && fullName.Split('.')[^1] is var name)
                    foreach (var gone in removed.Where(a => a.Record == name))
                        if (fields.FirstOrDefault(f => f?["name"]?.GetValue<string>() == gone.Field) is { } field) fields.Remove(field);
                foreach (var child in record.Select(p => p.Value).ToList()) Strip(child, removed);
                break;
            case JsonArray array:
                foreach (var child in array.ToList()) Strip(child, removed);
                break;
        }
    }
}
