namespace ChatStreams.Sinks.History.Mongo;

/// <summary>
/// The history collections and their fields. Events are keyed by (conversationId, seq), the idempotence key of the
/// sink, and hold the ChatEvent as Avro bytes plus the fields queries need. Messages hold each message's current
/// state (latest edit, tombstone, reactions as {emoji, userId} pairs: emoji are user input and must not become field
/// names). Memberships hold one document per join with the seq of the matching leave (null while a member), which is
/// what a user may read. Conversations carry <see cref="AppliedSeq"/>, the last seq whose effects are applied: the
/// watermark that makes a replayed event a no-op without a multi-document transaction. Times are BSON dates (ms, UTC).
/// </summary>
internal static class MongoHistorySchema
{
    public const string Events = "history_events";
    public const string Conversations = "history_conversations";
    public const string Messages = "history_messages";
    public const string Memberships = "history_memberships";
    public const string ReadState = "history_read_state";

    public const string Id = "_id";
    public const string ConversationId = "conversationId";
    public const string Seq = "seq";
    public const string UserId = "userId";

    // events
    public const string EventType = "type";
    public const string OccurredAt = "occurredAt";
    public const string TargetSeq = "targetSeq";
    public const string Record = "record";

    // conversations (_id is the conversation id)
    public const string Kind = "kind";
    public const string Title = "title";
    public const string CreatedAt = "createdAt";
    public const string LastActivity = "lastActivity";
    public const string LastSeq = "lastSeq";
    public const string AppliedSeq = "appliedSeq";

    // messages
    public const string SenderId = "senderId";
    public const string Body = "body";
    public const string Edited = "edited";
    public const string Deleted = "deleted";
    public const string Reactions = "reactions";
    public const string Emoji = "emoji";

    // memberships
    public const string FromSeq = "fromSeq";
    public const string ToSeq = "toSeq";
    public const string Role = "role";

    // read state
    public const string DeliveredSeq = "deliveredSeq";
    public const string ReadSeq = "readSeq";
}
