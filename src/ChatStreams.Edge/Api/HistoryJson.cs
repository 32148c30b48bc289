using ChatStreams.Contracts;
using System.Text.Json;
using ChatStreams.Edge.Frames;
using ChatStreams.Edge.History;
using ChatStreams.Sinks.History;

namespace ChatStreams.Edge.Api;

/// <summary>
/// History items over REST: the same objects as the WebSocket frames of each seq, messages as they read now
/// (<c>body</c> after edits, <c>edited</c>, <c>deleted</c>, <c>reactions</c> emoji → user ids).
/// </summary>
internal static class HistoryJson
{
    public static void WriteItem(Utf8JsonWriter w, HistoryItem item)
    {
        w.WriteStartObject();
        EventJson.WriteFields(w, item.Event, item.Message?.Body);
        if (item.Message is { } message)
        {
            w.WriteBoolean("edited", message.Edited);
            w.WriteBoolean("deleted", message.Deleted);
            w.WriteStartObject("reactions");
            foreach (var (emoji, users) in message.Reactions)
            {
                w.WriteStartArray(emoji);
                foreach (var user in users) w.WriteStringValue(user);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    public static void WriteSummary(Utf8JsonWriter w, ConversationSummary s)
    {
        w.WriteStartObject();
        w.WriteString("conversationId", s.ConversationId);
        w.WriteString("kind", s.Kind);
        if (EncryptedConversations.IsEncryptedId(s.ConversationId)) w.WriteBoolean("encrypted", true);
        if (s.Title is not null) w.WriteString("title", s.Title);
        w.WriteStartArray("members");
        foreach (var m in s.Members)
        {
            w.WriteStartObject();
            w.WriteString("userId", m.UserId);
            w.WriteString("role", m.Role);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteBoolean("isMember", s.IsMember);
        w.WriteNumber("lastSeq", s.LastSeq);
        w.WriteNumber("deliveredSeq", s.DeliveredSeq);
        w.WriteNumber("readSeq", s.ReadSeq);
        w.WriteNumber("unread", s.Unread);
        w.WriteString("createdAt", EventJson.Iso(s.CreatedAt));
        w.WriteString("lastActivity", EventJson.Iso(s.LastActivity));
        if (s.LastMessage is { } last)
        {
            w.WritePropertyName("lastMessage");
            WriteItem(w, last);
        }
        w.WriteEndObject();
    }
}
