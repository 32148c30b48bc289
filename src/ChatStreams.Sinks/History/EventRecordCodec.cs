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

    /// <summary>The event with the text of a deleted message taken out (the sent message, or an edit of it).</summary>
    public static ChatEvent Redacted(ChatEvent e)
    {
        object payload = e.Payload switch
        {
            MessageSent sent => new MessageSent { MessageId = sent.MessageId, Body = "", Attachments = [] },
            MessageEdited edited => new MessageEdited { TargetSeq = edited.TargetSeq, Body = "" },
            _ => e.Payload,
        };
        return new ChatEvent
        {
            ConversationId = e.ConversationId, Seq = e.Seq, EventId = e.EventId, CommandId = e.CommandId,
            ClientMessageId = e.ClientMessageId, UserId = e.UserId, DeviceId = e.DeviceId, EdgeId = e.EdgeId,
            OccurredAt = e.OccurredAt, CommandIssuedAt = e.CommandIssuedAt, Trace = e.Trace, Payload = payload,
        };
    }
}
