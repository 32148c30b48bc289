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
/// (<see cref="Legacy"/>), Avro's resolution filling the new fields with their defaults. Fields are only ever
/// appended to the last record of the payload union branch they belong to, so an old row read with the new schema
/// runs out of bytes and fails instead of being misread.
/// </remarks>
internal static class EventRecordCodec
{
    /// <summary>Fields added to the stored ChatEvent since rows were first written: (record name, field name).</summary>
    private static readonly (string Record, string Field)[] AddedFields =
        [("ConversationCreated", "encrypted"), ("MessageSent", "ciphertext")];

    private static readonly Lazy<Schema> Legacy = new(() => LegacySchema(ChatEvent._SCHEMA));

    public static byte[] Encode(ChatEvent e)
    {
        using var stream = new MemoryStream();
        new SpecificDatumWriter<ChatEvent>(ChatEvent._SCHEMA).Write(e, new BinaryEncoder(stream));
        return stream.ToArray();
    }

    public static ChatEvent Decode(byte[] bytes)
    {
        try
        {
            return Read(bytes, ChatEvent._SCHEMA);
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

    private static Schema LegacySchema(Schema current)
    {
        var root = JsonNode.Parse(current.ToString())!;
        Strip(root);
        return Schema.Parse(root.ToJsonString());
    }

    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject record:
                if (record["fields"] is JsonArray fields && record["name"]?.GetValue<string>() is { } fullName && fullName.Split('.')[^1] is var name)
                    foreach (var added in AddedFields.Where(a => a.Record == name))
                        if (fields.FirstOrDefault(f => f?["name"]?.GetValue<string>() == added.Field) is { } field) fields.Remove(field);
                foreach (var child in record.Select(p => p.Value).ToList()) Strip(child);
                break;
            case JsonArray array:
                foreach (var child in array.ToList()) Strip(child);
                break;
        }
    }
}
