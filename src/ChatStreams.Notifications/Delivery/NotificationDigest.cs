using chatstreams.v1;

namespace ChatStreams.Notifications.Delivery;

/// <summary>
/// What one user gets for one batch: every notification for them in it folded into one push ("3 new messages in
/// Team", the latest preview), so a burst of messages buzzes a phone once, not once per message.
/// </summary>
public sealed class NotificationDigest
{
    public const int MaxConversationsListed = 20;

    private NotificationDigest(string userId, IReadOnlyList<Notification> notifications)
    {
        UserId = userId;
        Notifications = notifications;
        Latest = notifications[^1];
        Conversations = notifications.GroupBy(n => n.ConversationId)
            .Select(g => new ConversationCount(g.Key, g.Last().ConversationTitle, g.Count(), g.Max(n => n.Seq), g.Max(n => n.CreatedAt)))
            .OrderByDescending(c => c.LatestAt).ThenBy(c => c.ConversationId, StringComparer.Ordinal).ToList();
    }

    public sealed record ConversationCount(string ConversationId, string? Title, int Count, long LatestSeq, DateTime LatestAt);

    public string UserId { get; }

    /// <summary>Oldest first; each (conversation, seq) once.</summary>
    public IReadOnlyList<Notification> Notifications { get; }

    public Notification Latest { get; }

    /// <summary>Most recent first.</summary>
    public IReadOnlyList<ConversationCount> Conversations { get; }

    public IReadOnlyList<NotificationKey> Keys => Notifications.Select(NotificationKey.Of).ToList();

    public string Title
    {
        get
        {
            var count = Notifications.Count;
            if (Conversations.Count > 1) return $"{count} new messages in {Conversations.Count} conversations";
            var title = Latest.ConversationTitle;
            var messages = count == 1 ? "New message" : $"{count} new messages";
            return string.IsNullOrWhiteSpace(title) ? messages : $"{messages} in {title}";
        }
    }

    /// <summary>The latest message's preview; attachment-only messages have none.</summary>
    public string Body => string.IsNullOrEmpty(Latest.Preview) ? "Sent an attachment" : Latest.Preview;

    /// <summary>One digest per user, in the order users first appear; repeats of a (user, conversation, seq) are dropped.</summary>
    public static IReadOnlyList<NotificationDigest> PerUser(IEnumerable<Notification> notifications) =>
        notifications.DistinctBy(NotificationKey.Of)
            .GroupBy(n => n.UserId, StringComparer.Ordinal)
            .Select(g => new NotificationDigest(g.Key, g.OrderBy(n => n.CreatedAt).ThenBy(n => n.ConversationId, StringComparer.Ordinal).ThenBy(n => n.Seq).ToList()))
            .ToList();
}
