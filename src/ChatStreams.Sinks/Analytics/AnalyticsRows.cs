namespace ChatStreams.Sinks.Analytics;

// The rows of the analytics tables, one record per table (docs/analytics.md describes every column). Times are UTC
// milliseconds since the Unix epoch in both stores: ClickHouse 18.16 has no DateTime64, and one representation keeps
// the two stores' columns equal.

/// <summary>conversations: one row per ConversationCreated (seq 1).</summary>
public sealed record ConversationRow(string ConversationId, string Kind, string? Title, string CreatedBy, long CreatedAtMs, int InitialMembers);

/// <summary>messages: one row per MessageSent (key conversation, seq).</summary>
public sealed record MessageRow(
    string ConversationId, long Seq, string MessageId, string SenderId, string DeviceId, string? EdgeId, string? ConversationKind,
    long SentAtMs, long? CommandIssuedAtMs, int TextLength, int TextBytes, int AttachmentCount);

/// <summary>message_changes: one row per edit, deletion or reaction (key conversation, seq of the change).</summary>
public sealed record MessageChangeRow(string ConversationId, long Seq, long TargetSeq, string UserId, string Change, string? Emoji, long AtMs);

/// <summary>deliveries: one row per Delivery of a sequenced ChatEvent (key conversation, seq, user, edge, device key).</summary>
public sealed record DeliveryRow(
    string ConversationId, long Seq, string UserId, string EdgeId, string DeviceKey, string? DeviceId, string EventType,
    long CreatedAtMs, long? CommandIssuedAtMs, long? LatencyMs);

/// <summary>receipts: one row per receipt state a member reached (key conversation, user, delivered seq, read seq).</summary>
public sealed record ReceiptRow(string ConversationId, string UserId, long DeliveredSeq, long ReadSeq, long AtMs, long DeliveredToAllSeq, long ReadByAllSeq);

/// <summary>message_reads: when a member first read each seq of a conversation (key conversation, seq, user).</summary>
public sealed record MessageReadRow(string ConversationId, long Seq, string UserId, long ReadAtMs);

/// <summary>presence_sessions: one online interval of a user (key user, start); open while EndedAtMs is null.</summary>
public sealed record PresenceSessionRow(string UserId, long StartedAtMs, long? EndedAtMs, long? DurationMs)
{
    /// <summary>1 once the interval has an end; ClickHouse keeps the row with the highest value (the closed one).</summary>
    public int Closed => EndedAtMs is null ? 0 : 1;
}

/// <summary>Everything one sink batch adds, per table; a store writes it as one idempotent unit.</summary>
public sealed record AnalyticsBatch(
    IReadOnlyList<ConversationRow> Conversations,
    IReadOnlyList<MessageRow> Messages,
    IReadOnlyList<MessageChangeRow> MessageChanges,
    IReadOnlyList<DeliveryRow> Deliveries,
    IReadOnlyList<ReceiptRow> Receipts,
    IReadOnlyList<MessageReadRow> MessageReads,
    IReadOnlyList<PresenceSessionRow> PresenceSessions)
{
    public static AnalyticsBatch Empty { get; } = new([], [], [], [], [], [], []);

    public bool IsEmpty => Conversations.Count + Messages.Count + MessageChanges.Count + Deliveries.Count + Receipts.Count
                           + MessageReads.Count + PresenceSessions.Count == 0;
}
