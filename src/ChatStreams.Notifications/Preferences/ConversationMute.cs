namespace ChatStreams.Notifications.Preferences;

/// <summary>A user muted a conversation: no push or webhook for it until <see cref="Until"/> (null: until unmuted).</summary>
public sealed record ConversationMute(string UserId, string ConversationId, DateTimeOffset? Until)
{
    public bool IsActiveAt(DateTimeOffset now) => Until is null || Until > now;
}
