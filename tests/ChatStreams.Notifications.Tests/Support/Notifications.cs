using chatstreams.v1;

namespace ChatStreams.Notifications.Tests.Support;

/// <summary>Notifications as the fan-out writes them for offline members.</summary>
internal static class TestNotifications
{
    public static readonly DateTime Start = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    public static Notification For(string user, string conversation, long seq, string preview = "hi", string? title = null, string sender = "sender") => new()
    {
        UserId = user,
        ConversationId = conversation,
        Seq = seq,
        SenderId = sender,
        Preview = preview,
        CreatedAt = Start.AddSeconds(seq),
        ConversationTitle = title,
    };
}
