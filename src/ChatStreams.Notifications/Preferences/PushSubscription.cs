namespace ChatStreams.Notifications.Preferences;

/// <summary>
/// One browser's (or device's) Web Push subscription: the push service URL to POST to, the browser's P-256 public key
/// (p256dh) and auth secret, both base64url as the browser's PushSubscription.toJSON() gives them.
/// </summary>
public sealed record PushSubscription(string UserId, string Endpoint, string P256dh, string Auth, DateTimeOffset CreatedAt);
