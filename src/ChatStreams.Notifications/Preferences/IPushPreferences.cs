namespace ChatStreams.Notifications.Preferences;

/// <summary>
/// Push subscriptions and mutes per user. The edges write them (REST API), the sender reads them and removes
/// subscriptions a push service reports gone. One store shared by every process.
/// </summary>
public interface IPushPreferences
{
    /// <summary>Creates the tables when missing; safe from several processes at once.</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>
    /// Registers (or refreshes) a subscription, keyed by endpoint: a browser's endpoint belongs to one user, the last
    /// one who registered it (a shared computer after a change of login). Beyond <paramref name="maxPerUser"/> the
    /// user's oldest subscriptions are dropped.
    /// </summary>
    Task<PushSubscription> SaveSubscriptionAsync(PushSubscription subscription, int maxPerUser, CancellationToken ct);

    /// <summary>Removes one of the user's subscriptions; false when the user has none with that endpoint.</summary>
    Task<bool> RemoveSubscriptionAsync(string userId, string endpoint, CancellationToken ct);

    Task<IReadOnlyList<PushSubscription>> SubscriptionsOfAsync(string userId, CancellationToken ct);

    /// <summary>Mutes a conversation for a user (replacing an earlier mute), until a time or indefinitely.</summary>
    Task MuteAsync(ConversationMute mute, CancellationToken ct);

    /// <summary>False when the conversation was not muted.</summary>
    Task<bool> UnmuteAsync(string userId, string conversationId, CancellationToken ct);

    /// <summary>The user's mutes still in force at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<ConversationMute>> MutesOfAsync(string userId, DateTimeOffset now, CancellationToken ct);
}
