namespace ChatStreams.Topologies;

/// <summary>
/// Rules and timings of the chat topologies (configuration section "Topologies", env <c>Topologies__…</c>).
/// Defaults are what a production chat needs; tests shorten the timings.
/// </summary>
public sealed class TopologyOptions
{
    public const string SectionName = "Topologies";

    /// <summary>
    /// A connection that has sent no heartbeat for this long is dead (its edge crashed or lost the network):
    /// the fan-out stops routing to it and presence counts it offline. Edges heartbeat well inside it (10 s).
    /// </summary>
    public TimeSpan SessionInactivityGap { get; set; } = TimeSpan.FromSeconds(30);

    public ConversationOptions Conversation { get; set; } = new();

    public FanOutOptions FanOut { get; set; } = new();

    public PresenceOptions Presence { get; set; } = new();

    /// <summary>What is wrong with these settings; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (SessionInactivityGap <= TimeSpan.Zero) errors.Add("Topologies:SessionInactivityGap must be positive (e.g. 00:00:30).");
        if (Conversation.MaxGroupMembers < 2) errors.Add("Topologies:Conversation:MaxGroupMembers must be at least 2.");
        if (Conversation.DedupWindow <= TimeSpan.Zero) errors.Add("Topologies:Conversation:DedupWindow must be positive (e.g. 1.00:00:00).");
        if (Conversation.MaxBodyLength < 1) errors.Add("Topologies:Conversation:MaxBodyLength must be at least 1.");
        if (Conversation.MaxCiphertextBytes < 1) errors.Add("Topologies:Conversation:MaxCiphertextBytes must be at least 1.");
        if (Conversation.EditableMessages < 1) errors.Add("Topologies:Conversation:EditableMessages must be at least 1.");
        if (FanOut.NotificationPreviewLength < 0) errors.Add("Topologies:FanOut:NotificationPreviewLength must not be negative.");
        if (FanOut.SessionPurgeInterval <= TimeSpan.Zero) errors.Add("Topologies:FanOut:SessionPurgeInterval must be positive.");
        if (FanOut.SessionPurgeAfter < SessionInactivityGap) errors.Add("Topologies:FanOut:SessionPurgeAfter must be at least Topologies:SessionInactivityGap.");
        if (Presence.OfflineDebounce < TimeSpan.Zero) errors.Add("Topologies:Presence:OfflineDebounce must not be negative.");
        if (Presence.CheckInterval <= TimeSpan.Zero) errors.Add("Topologies:Presence:CheckInterval must be positive (e.g. 00:00:01).");
        if (Presence.MaxGroupSize < 0) errors.Add("Topologies:Presence:MaxGroupSize must not be negative.");
        return errors;
    }
}

/// <summary>Rules of the conversation topology (sequencer, membership, dedup, receipts).</summary>
public sealed class ConversationOptions
{
    /// <summary>Most members a group may have (creation and AddMember beyond it are rejected).</summary>
    public int MaxGroupMembers { get; set; } = 1000;

    /// <summary>How long a (conversation, sender, client message id) is remembered to drop resends.</summary>
    public TimeSpan DedupWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Longest message body in characters (the edge enforces its frame limit first).</summary>
    public int MaxBodyLength { get; set; } = 16_384;

    /// <summary>
    /// Largest ciphertext (bytes) of a message in an end-to-end encrypted conversation. It holds one encrypted copy
    /// per recipient device, so it must leave room for a small group's devices (the edge's frame limit applies first).
    /// </summary>
    public int MaxCiphertextBytes { get; set; } = 48 * 1024;

    /// <summary>Longest group title in characters.</summary>
    public int MaxTitleLength { get; set; } = 256;

    /// <summary>
    /// How many of a conversation's most recent messages can still be edited, deleted or reacted to. The
    /// sequencer keeps the author of each of them; older ones are the history store's business.
    /// </summary>
    public int EditableMessages { get; set; } = 10_000;
}

/// <summary>Rules of the fan-out topology (members x sessions -> delivery topics, notifications).</summary>
public sealed class FanOutOptions
{
    /// <summary>Characters of the message body put in a push notification's preview.</summary>
    public int NotificationPreviewLength { get; set; } = 120;

    /// <summary>How often the sessions table drops users whose connections all went silent.</summary>
    public TimeSpan SessionPurgeInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a connection must have been silent by the wall clock before the purge drops it from the table. Far
    /// longer than the inactivity gap on purpose: routing judges silence by the stream's time (see SessionClock), and
    /// a purge by the wall clock while the topology is still catching up on chat.sessions would drop live connections.
    /// </summary>
    public TimeSpan SessionPurgeAfter { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>Rules of the presence topology.</summary>
public sealed class PresenceOptions
{
    /// <summary>
    /// A user whose last connection ended is shown offline only after this long without a new one, so a
    /// reconnect (network switch, page reload) makes no offline/online flap.
    /// </summary>
    public TimeSpan OfflineDebounce { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often (wall clock) silent connections and due offline transitions are checked.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Presence goes to the peers of a user's direct conversations and of groups with at most this many members;
    /// larger groups would turn every flap into a storm of frames (0: direct conversations only).
    /// </summary>
    public int MaxGroupSize { get; set; } = 20;
}
