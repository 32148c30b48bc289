namespace ChatStreams.Contracts;

/// <summary>
/// How the pipeline's topics are created (configuration section "Topics"). Topic names are fixed in
/// <see cref="Topics"/>; partitions, replication, retention and cleanup policy are configured here.
/// </summary>
public sealed class TopicSettings
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string SectionName = "Topics";

    /// <summary>Default partition count of every keyed topic.</summary>
    public const int DefaultPartitions = 12;

    private static long Days(int days) => (long)TimeSpan.FromDays(days).TotalMilliseconds;

    /// <summary>chat.commands: kept a week so the conversation topology can be replayed after an outage.</summary>
    public TopicOptions Commands { get; set; } = new() { RetentionMs = Days(7) };

    /// <summary>chat.events: the system of record; kept forever so sinks can be rebuilt from it.</summary>
    public TopicOptions Events { get; set; } = new() { RetentionMs = -1 };

    /// <summary>chat.sessions: compacted; the sessions table keeps its own changelog.</summary>
    public TopicOptions Sessions { get; set; } = new() { CleanupPolicy = "compact", RetentionMs = -1 };

    /// <summary>chat.receipts: several users' states share a conversation key, so it is not compacted.</summary>
    public TopicOptions Receipts { get; set; } = new() { RetentionMs = Days(7) };

    /// <summary>chat.presence: compacted; the latest presence per user is all that matters.</summary>
    public TopicOptions Presence { get; set; } = new() { CleanupPolicy = "compact", RetentionMs = -1 };

    /// <summary>chat.notifications: a push older than a day is no use.</summary>
    public TopicOptions Notifications { get; set; } = new() { RetentionMs = Days(1) };

    /// <summary>Every delivery.&lt;edge-id&gt; topic: live traffic only; a reconnecting device resumes from history.</summary>
    public TopicOptions Delivery { get; set; } = new() { RetentionMs = Days(1) };

    /// <summary>The spec of each fixed topic, in <see cref="Topics.Fixed"/> order.</summary>
    public IReadOnlyList<TopicSpec> FixedSpecs() =>
    [
        Spec(Topics.ChatCommands, Commands),
        Spec(Topics.ChatEvents, Events),
        Spec(Topics.ChatSessions, Sessions),
        Spec(Topics.ChatReceipts, Receipts),
        Spec(Topics.ChatPresence, Presence),
        Spec(Topics.ChatNotifications, Notifications),
    ];

    /// <summary>The spec of every fixed topic plus the delivery topic of each given edge.</summary>
    /// <exception cref="ArgumentException">An edge id cannot name a topic.</exception>
    public IReadOnlyList<TopicSpec> AllSpecs(IEnumerable<string> edgeIds) =>
        [.. FixedSpecs(), .. edgeIds.Distinct(StringComparer.Ordinal).Select(DeliverySpec)];

    /// <summary>The spec of one edge's delivery topic (created on demand when the edge starts).</summary>
    /// <exception cref="ArgumentException">The edge id cannot name a topic.</exception>
    public TopicSpec DeliverySpec(string edgeId) => Spec(Topics.Delivery(edgeId), Delivery);

    /// <summary>What is wrong with these settings; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var (topic, options) in Named())
            errors.AddRange(options.Validate(topic));
        // Joins read matching partitions of their inputs, so inputs sharing a key must share a partition count.
        RequireCoPartitioned(errors, "conversation id", (Topics.ChatCommands, Commands), (Topics.ChatEvents, Events), (Topics.ChatReceipts, Receipts));
        RequireCoPartitioned(errors, "user id", (Topics.ChatSessions, Sessions), (Topics.ChatPresence, Presence));
        return errors;
    }

    private IEnumerable<(string Topic, TopicOptions Options)> Named() =>
    [
        (Topics.ChatCommands, Commands), (Topics.ChatEvents, Events), (Topics.ChatSessions, Sessions),
        (Topics.ChatReceipts, Receipts), (Topics.ChatPresence, Presence), (Topics.ChatNotifications, Notifications),
        (Topics.DeliveryPrefix + "<edge-id>", Delivery),
    ];

    private static void RequireCoPartitioned(List<string> errors, string key, params (string Topic, TopicOptions Options)[] topics)
    {
        if (topics.Select(t => t.Options.Partitions).Distinct().Count() == 1) return;
        errors.Add($"Topics: {string.Join(", ", topics.Select(t => $"{t.Topic} ({t.Options.Partitions})"))} are joined by {key} and must have the same partition count.");
    }

    private static TopicSpec Spec(string name, TopicOptions options) =>
        new(name, options.Partitions, options.ReplicationFactor, options.ToConfigs());
}
