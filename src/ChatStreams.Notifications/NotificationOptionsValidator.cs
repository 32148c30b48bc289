namespace ChatStreams.Notifications;

/// <summary>Names every bad Notifications setting at once, with what to set instead.</summary>
public static class NotificationOptionsValidator
{
    private static readonly string[] Urgencies = ["very-low", "low", "normal", "high"];

    public static IReadOnlyList<string> Validate(NotificationOptions o)
    {
        var errors = new List<string>();
        var mongo = string.Equals(o.Store, "mongo", StringComparison.OrdinalIgnoreCase);
        if (!mongo && !string.Equals(o.Store, "sqlite", StringComparison.OrdinalIgnoreCase))
            errors.Add($"Notifications:Store is '{o.Store}'; use 'sqlite' or 'mongo'.");
        if (mongo && string.IsNullOrWhiteSpace(o.MongoUrl)) errors.Add("Notifications:MongoUrl is empty; Notifications:Store=mongo needs the server (mongodb://host:27017/chatstreams).");
        if (!mongo && string.IsNullOrWhiteSpace(o.SqlitePath)) errors.Add("Notifications:SqlitePath is empty; set the preferences database file.");
        if (string.IsNullOrWhiteSpace(o.LedgerPath)) errors.Add("Notifications:LedgerPath is empty; set the sent-ledger database file.");
        if (!string.IsNullOrWhiteSpace(o.WebhookUrl))
        {
            if (!Uri.TryCreate(o.WebhookUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
                errors.Add($"Notifications:WebhookUrl '{o.WebhookUrl}' is not an absolute http(s) URL.");
            if (string.IsNullOrEmpty(o.WebhookSecret) || o.WebhookSecret.Length < 16)
                errors.Add("Notifications:WebhookSecret must be set (at least 16 characters) when Notifications:WebhookUrl is: receivers verify the signature with it.");
        }
        if (string.IsNullOrEmpty(o.VapidPublicKey) != string.IsNullOrEmpty(o.VapidPrivateKey))
            errors.Add("Notifications:VapidPublicKey and Notifications:VapidPrivateKey go together: set both, or neither to use Notifications:VapidKeyFile.");
        if (string.IsNullOrEmpty(o.VapidPublicKey) && string.IsNullOrWhiteSpace(o.VapidKeyFile))
            errors.Add("Notifications:VapidKeyFile is empty and no VAPID keys are configured; set one of them.");
        if (!o.VapidSubject.StartsWith("mailto:", StringComparison.Ordinal) && !o.VapidSubject.StartsWith("https://", StringComparison.Ordinal))
            errors.Add($"Notifications:VapidSubject '{o.VapidSubject}' must be a mailto: or https: URL (RFC 8292 section 2.1).");
        if (o.VapidTokenLifetime <= TimeSpan.Zero || o.VapidTokenLifetime > TimeSpan.FromHours(24))
            errors.Add("Notifications:VapidTokenLifetime must be more than 0 and at most 24 hours (RFC 8292).");
        if (o.PushTimeToLive < TimeSpan.Zero) errors.Add("Notifications:PushTimeToLive must not be negative.");
        if (!Urgencies.Contains(o.Urgency)) errors.Add($"Notifications:Urgency '{o.Urgency}' must be one of {string.Join(", ", Urgencies)}.");
        if (o.MaxAttempts < 1) errors.Add("Notifications:MaxAttempts must be at least 1.");
        if (o.RetryBackoff <= TimeSpan.Zero || o.RetryBackoffMax < o.RetryBackoff)
            errors.Add("Notifications:RetryBackoff must be positive and Notifications:RetryBackoffMax at least as long.");
        if (o.HttpTimeout <= TimeSpan.Zero) errors.Add("Notifications:HttpTimeout must be positive.");
        if (o.MaxParallelUsers < 1) errors.Add("Notifications:MaxParallelUsers must be at least 1.");
        if (o.LedgerRetention < TimeSpan.FromDays(1)) errors.Add("Notifications:LedgerRetention must be at least 1 day (the retention of chat.notifications), or a replay could send again.");
        if (o.MaxSubscriptionsPerUser < 1) errors.Add("Notifications:MaxSubscriptionsPerUser must be at least 1.");
        return errors;
    }

    public static void ThrowIfInvalid(NotificationOptions o)
    {
        if (Validate(o) is { Count: > 0 } errors)
            throw new InvalidOperationException("invalid Notifications configuration: " + string.Join(" ", errors));
    }
}
