using Avro.IO;
using Avro.Specific;
using chatstreams.v1;

namespace ChatStreams.Sinks.History;

/// <summary>
/// A stored event is the ChatEvent in plain Avro binary (the contract schema, no registry framing): the store gives
/// back exactly what chat.events carried, and needs no registry to read it.
/// </summary>
internal static class EventRecordCodec
{
    public static byte[] Encode(ChatEvent e)
    {
        using var stream = new MemoryStream();
        new SpecificDatumWriter<ChatEvent>(ChatEvent._SCHEMA).Write(e, new BinaryEncoder(stream));
        return stream.ToArray();
    }

    public static ChatEvent Decode(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return new SpecificDatumReader<ChatEvent>(ChatEvent._SCHEMA, ChatEvent._SCHEMA).Read(null!, new BinaryDecoder(stream));
    }
}
