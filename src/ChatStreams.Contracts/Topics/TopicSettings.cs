namespace ChatStreams.Contracts;

/// <summary>
/// How the pipeline's topics are created (configuration section "Topics"). Topic names are fixed in
/// <see cref="Topics"/>; partitions, replication, retention and cleanup policy are configured here.
/// </summary>
public sealed class TopicSettings
{
    /// <summary>Configuration section bound to this class.</summary>
    public const string SectionName = "Topics";

    /// <summary>
    /// Default partition count of every keyed topic. Partitions are what a streams application spreads over its
    /// instances, and each costs on every commit whatever the rate: librdkafka sends one produce request per partition
    /// a transaction touches, the commit writes a marker to each, and every task keeps its own stores. 4 fits one
    /// machine (<c>chatstreams up</c>: one instance per application) with room for a few more instances; a cluster sets
    /// its own count (the Helm chart's <c>topics.partitions</c>, 12) and <c>chatctl rescale-partitions</c> grows a
    /// running system.
    /// </summary>
    public const int DefaultPartitions = 4;

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
    public IReadOnlyList<TopicSpec> FixedSpecs() => FixedSections().Select(s => Spec(s.Topic, s.Options)).ToList();

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
        [.. FixedSections().Select(s => (s.Topic, s.Options)), (Topics.DeliveryPrefix + "<edge-id>", Delivery)];

    /// <summary>Each fixed topic's key in the "Topics" section (e.g. <c>Commands</c>), its name and its options.</summary>
    public IReadOnlyList<(string Key, string Topic, TopicOptions Options)> FixedSections() =>
    [
        (nameof(Commands), Topics.ChatCommands, Commands), (nameof(Events), Topics.ChatEvents, Events),
        (nameof(Sessions), Topics.ChatSessions, Sessions), (nameof(Receipts), Topics.ChatReceipts, Receipts),
        (nameof(Presence), Topics.ChatPresence, Presence), (nameof(Notifications), Topics.ChatNotifications, Notifications),
    ];

    /// <summary>
    /// Takes the partition count of every fixed topic that already exists, unless <paramref name="configured"/> says
    /// its count was set explicitly (by its key, e.g. <c>Events</c>). A system created with other counts (an older
    /// default) keeps them: its joins, changelogs and repartition topics were made with them, and changing a count
    /// re-maps keys, which only <c>chatctl rescale-partitions</c> does. Returns what was taken, as "topic (count)".
    /// </summary>
    public IReadOnlyList<string> KeepExistingPartitions(IReadOnlyDictionary<string, int> existing, Func<string, bool> configured)
    {
        var kept = new List<string>();
        foreach (var (key, topic, options) in FixedSections())
        {
            if (configured(key) || !existing.TryGetValue(topic, out var count) || count == options.Partitions) continue;
            options.Partitions = count;
            kept.Add($"{topic} ({count})");
        }
        return kept;
    }

    /// <summary>
    /// The partition counts as environment variables (<c>Topics__Events__Partitions</c>, ...), for processes that must
    /// create and join topics with the same counts as the process that provisioned them.
    /// </summary>
    public IReadOnlyDictionary<string, string> PartitionEnvironment() =>
        FixedSections().Select(s => (s.Key, s.Options)).Append((Key: nameof(Delivery), Options: Delivery))
            .ToDictionary(s => $"{SectionName}__{s.Key}__Partitions", s => s.Options.Partitions.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static void RequireCoPartitioned(List<string> errors, string key, params (string Topic, TopicOptions Options)[] topics)
    {
        if (topics.Select(t => t.Options.Partitions).Distinct().Count() == 1) return;
        errors.Add($"Topics: {string.Join(", ", topics.Select(t => $"{t.Topic} ({t.Options.Partitions})"))} are joined by {key} and must have the same partition count.");
    }

    private static TopicSpec Spec(string name, TopicOptions options) =>
        new(name, options.Partitions, options.ReplicationFactor, options.ToConfigs());
}
