using System.Globalization;
using System.Text.Json;
using chatstreams.v1;

namespace ChatStreams.Edge.Frames;

/// <summary>
/// The frame fields of a sequenced conversation event. Every seq position has a frame (message, edited, deleted,
/// reaction, conversation, member_added, member_removed) so a client applying frames by (conversation, seq) sees
/// 1..N without holes. For edited/deleted/reaction, <c>seq</c> is the event's own position and <c>targetSeq</c> the
/// message it changes.
/// </summary>
public static class EventJson
{
    public static string Iso(DateTime at) =>
        DateTime.SpecifyKind(at, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string FrameType(ChatEvent chatEvent) => chatEvent.Payload switch
    {
        MessageSent => "message",
        MessageEdited => "edited",
        MessageDeleted => "deleted",
        ReactionChanged => "reaction",
        ConversationCreated => "conversation",
        MemberAdded => "member_added",
        MemberRemoved => "member_removed",
        _ => "event",
    };

    /// <param name="currentBody">The message's text as it reads now (history pages); the sent text when null.</param>
    public static void WriteFields(Utf8JsonWriter w, ChatEvent e, string? currentBody = null)
    {
        w.WriteString("type", FrameType(e));
        w.WriteString("conversationId", e.ConversationId);
        w.WriteNumber("seq", e.Seq);
        switch (e.Payload)
        {
            case MessageSent sent:
                w.WriteString("messageId", sent.MessageId);
                if (e.ClientMessageId is not null) w.WriteString("id", e.ClientMessageId);
                w.WriteString("senderId", e.UserId);
                w.WriteString("body", currentBody ?? sent.Body);
                // Opaque to the server: passed on as the client sent it (base64 in JSON).
                if (sent.Ciphertext is not null) w.WriteBase64String("ciphertext", sent.Ciphertext);
                w.WriteString("sentAt", Iso(e.OccurredAt));
                w.WriteStartArray("attachments");
                foreach (var attachment in sent.Attachments)
                {
                    w.WriteStartObject();
                    w.WriteString("mediaId", attachment.MediaId);
                    if (attachment.ContentType is not null) w.WriteString("contentType", attachment.ContentType);
                    if (attachment.FileName is not null) w.WriteString("fileName", attachment.FileName);
                    if (attachment.SizeBytes is { } size) w.WriteNumber("size", size);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                break;
            case MessageEdited edited:
                w.WriteNumber("targetSeq", edited.TargetSeq);
                w.WriteString("userId", e.UserId);
                w.WriteString("body", edited.Body);
                break;
            case MessageDeleted deleted:
                w.WriteNumber("targetSeq", deleted.TargetSeq);
                w.WriteString("userId", e.UserId);
                break;
            case ReactionChanged reaction:
                w.WriteNumber("targetSeq", reaction.TargetSeq);
                w.WriteString("userId", e.UserId);
                w.WriteString("emoji", reaction.Emoji);
                w.WriteString("action", reaction.Action == ReactionAction.Remove ? "remove" : "add");
                break;
            case ConversationCreated created:
                w.WriteString("kind", created.Kind == ConversationKind.Direct ? "direct" : "group");
                if (created.Title is not null) w.WriteString("title", created.Title);
                if (created.Encrypted) w.WriteBoolean("encrypted", true);
                w.WriteString("createdBy", e.UserId);
                WriteStrings(w, "members", created.Members);
                WriteStrings(w, "admins", created.Admins);
                break;
            case MemberAdded added:
                w.WriteString("userId", added.MemberId);
                w.WriteString("role", added.Role == MemberRole.Admin ? "admin" : "member");
                w.WriteString("by", e.UserId);
                break;
            case MemberRemoved removed:
                w.WriteString("userId", removed.MemberId);
                w.WriteString("by", e.UserId);
                break;
        }
        // Every other event says when it happened; a message's time is its sentAt.
        if (e.Payload is not MessageSent) w.WriteString("at", Iso(e.OccurredAt));
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values) w.WriteStringValue(value);
        w.WriteEndArray();
    }
}
