namespace ChatStreams.Notifications;

/// <summary>
/// The push sender and the preferences store (section "Notifications"; env Notifications__WebhookUrl, ...). The edges
/// read the same section: they write subscriptions and mutes to the same store and hand out the same VAPID public key.
/// </summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>Where subscriptions and mutes live: "sqlite" (a file the processes share) or "mongo" (processes on different hosts; also keeps the VAPID keys).</summary>
    public string Store { get; set; } = "sqlite";

    /// <summary>With Store=mongo: the server and database (mongodb://host:27017/chatstreams?replicaSet=rs0).</summary>
    public string? MongoUrl { get; set; }

    /// <summary>SQLite file shared by the edges (writers) and the sender (reader).</summary>
    public string SqlitePath { get; set; } = Path.Combine("data", "notifications", "preferences.db");

    /// <summary>SQLite file of the sender's "sent" ledger: (user, conversation, seq) already delivered or given up on.</summary>
    public string LedgerPath { get; set; } = Path.Combine("data", "notifications", "sent.db");

    /// <summary>How long ledger entries are kept; longer than chat.notifications' retention (1 day), so any replay finds them.</summary>
    public TimeSpan LedgerRetention { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Webhook called for every push (JSON, signed); empty = no webhook.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>HMAC-SHA256 key of the webhook signature; required with <see cref="WebhookUrl"/>.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>VAPID key pair, base64url (public: 65-byte uncompressed P-256 point, private: 32-byte scalar). Both or neither.</summary>
    public string? VapidPublicKey { get; set; }

    public string? VapidPrivateKey { get; set; }

    /// <summary>Without configured keys and with Store=sqlite: the file the key pair is generated into once and read from afterwards (Store=mongo keeps it in the database).</summary>
    public string VapidKeyFile { get; set; } = Path.Combine("data", "notifications", "vapid.json");

    /// <summary>VAPID "sub" claim: how a push service reaches the operator (mailto: or https: URL).</summary>
    public string VapidSubject { get; set; } = "mailto:admin@chatstreams.invalid";

    /// <summary>Lifetime of a VAPID token (RFC 8292 allows at most 24 hours).</summary>
    public TimeSpan VapidTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long a push service keeps a message for an unreachable device (TTL header).</summary>
    public TimeSpan PushTimeToLive { get; set; } = TimeSpan.FromHours(4);

    /// <summary>Urgency header (RFC 8030): very-low, low, normal, high. Chat messages are normally "high".</summary>
    public string Urgency { get; set; } = "high";

    /// <summary>Attempts per delivery (push or webhook) before it is given up on.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>First pause after a failed attempt; doubles up to <see cref="RetryBackoffMax"/>. A Retry-After answer wins (capped the same).</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryBackoffMax { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan HttpTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Accept push endpoints on loopback (http or https; tests, a local push service). Off: endpoints must be https on another host, so a client cannot make the sender POST to services beside it.</summary>
    public bool AllowLoopbackEndpoints { get; set; }

    /// <summary>Users whose pushes go out at the same time within a batch (one slow push service does not hold up everyone).</summary>
    public int MaxParallelUsers { get; set; } = 8;

    /// <summary>Push subscriptions kept per user; registering one more drops the oldest.</summary>
    public int MaxSubscriptionsPerUser { get; set; } = 20;
}
