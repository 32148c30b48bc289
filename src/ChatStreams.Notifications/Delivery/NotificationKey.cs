using chatstreams.v1;

namespace ChatStreams.Notifications.Delivery;

/// <summary>What identifies one notification: a message (conversation, seq) for one recipient. Repeats of it are dropped.</summary>
public readonly record struct NotificationKey(string UserId, string ConversationId, long Seq)
{
    public static NotificationKey Of(Notification n) => new(n.UserId, n.ConversationId, n.Seq);

    public override string ToString() => $"{UserId}/{ConversationId}/{Seq}";
}
