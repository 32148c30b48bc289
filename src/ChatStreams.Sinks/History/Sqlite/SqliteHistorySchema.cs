namespace ChatStreams.Sinks.History.Sqlite;

/// <summary>
/// The history tables. Events are keyed by (conversation, seq), the idempotence key of the sink. Messages hold each
/// message's current state (the latest edit, the tombstone); memberships hold one row per join with the seq of the
/// matching leave (null while a member), which is what a user may read. Times are Unix milliseconds (UTC).
/// </summary>
internal static class SqliteHistorySchema
{
    public const int Version = 1;

    public const string Create = """
        CREATE TABLE IF NOT EXISTS conversations (
            conversation_id TEXT NOT NULL PRIMARY KEY,
            kind TEXT NOT NULL,
            title TEXT,
            created_at INTEGER NOT NULL,
            last_activity INTEGER NOT NULL,
            last_seq INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS events (
            conversation_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            type TEXT NOT NULL,
            user_id TEXT NOT NULL,
            occurred_at INTEGER NOT NULL,
            target_seq INTEGER,
            record BLOB NOT NULL,
            PRIMARY KEY (conversation_id, seq)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS events_by_target ON events (conversation_id, target_seq) WHERE target_seq IS NOT NULL;
        CREATE TABLE IF NOT EXISTS messages (
            conversation_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            sender_id TEXT NOT NULL,
            body TEXT NOT NULL,
            edited INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            PRIMARY KEY (conversation_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS reactions (
            conversation_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            emoji TEXT NOT NULL,
            user_id TEXT NOT NULL,
            PRIMARY KEY (conversation_id, seq, emoji, user_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS memberships (
            conversation_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            from_seq INTEGER NOT NULL,
            to_seq INTEGER,
            role TEXT NOT NULL,
            PRIMARY KEY (conversation_id, user_id, from_seq)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS memberships_by_user ON memberships (user_id, conversation_id);
        CREATE TABLE IF NOT EXISTS read_state (
            conversation_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            delivered_seq INTEGER NOT NULL,
            read_seq INTEGER NOT NULL,
            PRIMARY KEY (conversation_id, user_id)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version (version) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM schema_version);
        """;

    /// <summary>The seqs a user may read: inside one of their membership ranges. Needs @user and an alias <c>x</c> with conversation_id and seq.</summary>
    public const string Visible = """
        EXISTS (SELECT 1 FROM memberships m WHERE m.conversation_id = x.conversation_id AND m.user_id = @user
                AND x.seq >= m.from_seq AND (m.to_seq IS NULL OR x.seq <= m.to_seq))
        """;
}
