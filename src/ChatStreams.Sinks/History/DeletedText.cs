using chatstreams.v1;

namespace ChatStreams.Sinks.History;

/// <summary>
/// A deleted message's text is gone for good: wherever history is replayed (pages, resume), the message event and
/// the events editing it carry an empty body and no attachments. Shared by every history store and the edge.
/// </summary>
public static class DeletedText
{
    /// <summary>The event with the deleted message's text taken out; other payloads are returned as they are.</summary>
    public static ChatEvent Redact(ChatEvent e)
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
