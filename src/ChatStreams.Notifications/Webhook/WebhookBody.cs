using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChatStreams.Notifications.Delivery;

namespace ChatStreams.Notifications.Webhook;

/// <summary>
/// The webhook's JSON: the same push object a service worker gets, plus every notification it folds together, and a
/// delivery id derived from the notifications themselves, so a receiver can drop the repeat a crash may cause.
/// </summary>
public static class WebhookBody
{
    public static string DeliveryId(NotificationDigest digest)
    {
        var keys = string.Join("\n", digest.Keys.Select(k => k.ToString()));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(keys)))[..32];
    }

    public static byte[] Build(NotificationDigest digest)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "chat.notifications");
            w.WriteString("deliveryId", DeliveryId(digest));
            w.WriteString("userId", digest.UserId);
            w.WritePropertyName("push");
            PushPayload.WriteObject(w, digest, digest.Conversations.Count);
            w.WriteStartArray("notifications");
            foreach (var n in digest.Notifications)
            {
                w.WriteStartObject();
                w.WriteString("conversationId", n.ConversationId);
                w.WriteNumber("seq", n.Seq);
                w.WriteString("senderId", n.SenderId);
                w.WriteString("preview", n.Preview);
                w.WriteString("createdAt", DateTime.SpecifyKind(n.CreatedAt, DateTimeKind.Utc));
                if (n.ConversationTitle is null) w.WriteNull("conversationTitle");
                else w.WriteString("conversationTitle", n.ConversationTitle);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
