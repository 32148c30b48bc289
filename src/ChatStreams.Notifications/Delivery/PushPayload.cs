using System.Text.Json;
using ChatStreams.Notifications.WebPush;

namespace ChatStreams.Notifications.Delivery;

/// <summary>
/// The JSON a service worker receives in its push event (event.data.json()), documented in docs/notifications.md:
/// a title and body ready for showNotification, the latest message's conversation and seq to open, and the counts per
/// conversation. Kept within one Web Push record (3,993 bytes): the conversation list shrinks when it would not fit.
/// </summary>
public static class PushPayload
{
    public const int Version = 1;

    public static byte[] Build(NotificationDigest digest)
    {
        for (var listed = Math.Min(digest.Conversations.Count, NotificationDigest.MaxConversationsListed); ; listed /= 2)
        {
            var bytes = Write(digest, listed);
            if (bytes.Length <= WebPushEncryption.MaxPlaintextLength || listed == 0) return bytes;
        }
    }

    /// <summary>The same object, written inside another document (the webhook body).</summary>
    public static void WriteObject(Utf8JsonWriter w, NotificationDigest digest, int listed)
    {
        var latest = digest.Latest;
        w.WriteStartObject();
        w.WriteNumber("v", Version);
        w.WriteString("type", "messages");
        w.WriteString("userId", digest.UserId);
        w.WriteString("title", digest.Title);
        w.WriteString("body", digest.Body);
        w.WriteNumber("count", digest.Notifications.Count);
        w.WriteString("conversationId", latest.ConversationId);
        w.WriteNumber("seq", latest.Seq);
        w.WriteString("senderId", latest.SenderId);
        w.WriteString("createdAt", DateTime.SpecifyKind(latest.CreatedAt, DateTimeKind.Utc));
        // Same tag for the same conversation: a newer notification replaces the older one on the device.
        w.WriteString("tag", digest.Conversations.Count == 1 ? $"conversation:{latest.ConversationId}" : "chatstreams:messages");
        w.WriteStartArray("conversations");
        foreach (var c in digest.Conversations.Take(listed))
        {
            w.WriteStartObject();
            w.WriteString("conversationId", c.ConversationId);
            if (c.Title is null) w.WriteNull("title");
            else w.WriteString("title", c.Title);
            w.WriteNumber("count", c.Count);
            w.WriteNumber("latestSeq", c.LatestSeq);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static byte[] Write(NotificationDigest digest, int listed)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer)) WriteObject(w, digest, listed);
        return buffer.ToArray();
    }
}
