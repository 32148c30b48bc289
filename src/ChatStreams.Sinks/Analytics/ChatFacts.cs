using System.Text;
using chatstreams.v1;

namespace ChatStreams.Sinks.Analytics;

/// <summary>The rows a single record makes, independent of anything stored: pure, so a replay makes the same rows.</summary>
public static class ChatFacts
{
    public static ConversationRow Conversation(ChatEvent e, ConversationCreated created) => new(
        e.ConversationId, Kind(created.Kind), created.Title, e.UserId, AnalyticsTime.Ms(e.OccurredAt), created.Members.Count);

    public static MessageRow Message(ChatEvent e, MessageSent sent, string? conversationKind) => new(
        e.ConversationId, e.Seq, sent.MessageId, e.UserId, e.DeviceId, e.EdgeId, conversationKind,
        AnalyticsTime.Ms(e.OccurredAt), AnalyticsTime.Ms(e.CommandIssuedAt), TextLength(sent.Body), Encoding.UTF8.GetByteCount(sent.Body),
        sent.Attachments?.Count ?? 0);

    /// <summary>An edit, deletion or reaction; null for the events that change no message.</summary>
    public static MessageChangeRow? Change(ChatEvent e)
    {
        var at = AnalyticsTime.Ms(e.OccurredAt);
        return e.Payload switch
        {
            MessageEdited edited => new(e.ConversationId, e.Seq, edited.TargetSeq, e.UserId, "edited", null, at),
            MessageDeleted deleted => new(e.ConversationId, e.Seq, deleted.TargetSeq, e.UserId, "deleted", null, at),
            ReactionChanged reaction => new(e.ConversationId, e.Seq, reaction.TargetSeq, e.UserId,
                reaction.Action == ReactionAction.Remove ? "reaction_removed" : "reaction_added", reaction.Emoji, at),
            _ => null,
        };
    }

    /// <summary>
    /// A delivery row. latency_ms is the delivery's createdAt minus the event's commandIssuedAt: from the moment the
    /// sender's edge accepted the command (it stamps issuedAt) to the fan-out producing this delivery — the Kafka and
    /// topology part of a message's trip, without the recipient edge's WebSocket write. Null when the event has no
    /// commandIssuedAt (events replayed from before it existed).
    /// </summary>
    public static DeliveryRow Delivery(string edgeId, Delivery delivery, ChatEvent e) =>
        Delivery(edgeId, delivery.UserId, delivery.DeviceId, AnalyticsTime.Ms(delivery.CreatedAt), e.ConversationId, e.Seq,
            AnalyticsTime.Ms(e.CommandIssuedAt), e.Payload.GetType().Name);

    /// <summary>The same row from the fields themselves (<see cref="DeliveryRowReader"/> reads them without decoding the delivery).</summary>
    /// <param name="payloadName">The record name of the event's payload (the class's and the Avro schema's), e.g. MessageSent.</param>
    public static DeliveryRow Delivery(string edgeId, string userId, string? deviceId, long createdAtMs, string conversationId, long seq,
        long? commandIssuedAtMs, string payloadName) =>
        new(conversationId, seq, userId, edgeId, deviceId ?? "", deviceId, EventType(payloadName), createdAtMs, commandIssuedAtMs,
            commandIssuedAtMs is { } issued ? createdAtMs - issued : null);

    public static ReceiptRow Receipt(ReceiptUpdate r) => new(
        r.ConversationId, r.UserId, r.DeliveredSeq, r.ReadSeq, AnalyticsTime.Ms(r.At), r.DeliveredToAllSeq, r.ReadByAllSeq);

    /// <summary>Length in Unicode code points (an emoji such as 👍 is 1, not the 2 UTF-16 units .NET's Length counts).</summary>
    public static int TextLength(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes()) count++;
        return count;
    }

    public static string Kind(ConversationKind kind) => kind == ConversationKind.Direct ? "direct" : "group";

    /// <summary>The event_type column of a payload by its record name (the class's and the Avro schema's).</summary>
    public static string EventType(string payloadName) => payloadName switch
    {
        nameof(ConversationCreated) => "conversation_created",
        nameof(MemberAdded) => "member_added",
        nameof(MemberRemoved) => "member_removed",
        nameof(MessageSent) => "message_sent",
        nameof(MessageEdited) => "message_edited",
        nameof(MessageDeleted) => "message_deleted",
        nameof(ReactionChanged) => "reaction_changed",
        _ => payloadName,
    };
}
