using Microsoft.Data.Sqlite;

namespace ChatStreams.Notifications.Preferences;

/// <summary>
/// Preferences in one SQLite file (Notifications:SqlitePath) that the edges and the sender open together: WAL lets
/// readers go on while an edge writes, and a busy timeout absorbs the short write locks of the other processes.
/// </summary>
public sealed class SqlitePushPreferences : IPushPreferences
{
    private readonly string _connectionString;

    public SqlitePushPreferences(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public string Path { get; }

    public async Task InitializeAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS push_subscriptions (
                endpoint TEXT PRIMARY KEY,
                user_id TEXT NOT NULL,
                p256dh TEXT NOT NULL,
                auth TEXT NOT NULL,
                created_at INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS push_subscriptions_by_user ON push_subscriptions (user_id, created_at);
            CREATE TABLE IF NOT EXISTS conversation_mutes (
                user_id TEXT NOT NULL,
                conversation_id TEXT NOT NULL,
                until INTEGER NULL,
                PRIMARY KEY (user_id, conversation_id));
            """, ct);
    }

    public async Task<PushSubscription> SaveSubscriptionAsync(PushSubscription subscription, int maxPerUser, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, """
            INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, created_at) VALUES ($endpoint, $user, $p256dh, $auth, $created)
            ON CONFLICT (endpoint) DO UPDATE SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at;
            DELETE FROM push_subscriptions WHERE user_id = $user AND endpoint NOT IN
                (SELECT endpoint FROM push_subscriptions WHERE user_id = $user ORDER BY created_at DESC, endpoint LIMIT $max);
            """, ct, transaction, ("$endpoint", subscription.Endpoint), ("$user", subscription.UserId), ("$p256dh", subscription.P256dh),
            ("$auth", subscription.Auth), ("$created", subscription.CreatedAt.ToUnixTimeMilliseconds()), ("$max", maxPerUser));
        await transaction.CommitAsync(ct);
        return subscription;
    }

    public async Task<bool> RemoveSubscriptionAsync(string userId, string endpoint, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ExecuteAsync(connection, "DELETE FROM push_subscriptions WHERE user_id = $user AND endpoint = $endpoint", ct, null,
            ("$user", userId), ("$endpoint", endpoint)) > 0;
    }

    public async Task<IReadOnlyList<PushSubscription>> SubscriptionsOfAsync(string userId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT endpoint, p256dh, auth, created_at FROM push_subscriptions WHERE user_id = $user ORDER BY created_at, endpoint";
        command.Parameters.AddWithValue("$user", userId);
        var subscriptions = new List<PushSubscription>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            subscriptions.Add(new PushSubscription(userId, reader.GetString(0), reader.GetString(1), reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
        return subscriptions;
    }

    public async Task MuteAsync(ConversationMute mute, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, """
            INSERT INTO conversation_mutes (user_id, conversation_id, until) VALUES ($user, $conversation, $until)
            ON CONFLICT (user_id, conversation_id) DO UPDATE SET until = excluded.until
            """, ct, null, ("$user", mute.UserId), ("$conversation", mute.ConversationId), ("$until", mute.Until?.ToUnixTimeMilliseconds()));
    }

    public async Task<bool> UnmuteAsync(string userId, string conversationId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ExecuteAsync(connection, "DELETE FROM conversation_mutes WHERE user_id = $user AND conversation_id = $conversation", ct, null,
            ("$user", userId), ("$conversation", conversationId)) > 0;
    }

    public async Task<IReadOnlyList<ConversationMute>> MutesOfAsync(string userId, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT conversation_id, until FROM conversation_mutes WHERE user_id = $user AND (until IS NULL OR until > $now) ORDER BY conversation_id";
        command.Parameters.AddWithValue("$user", userId);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        var mutes = new List<ConversationMute>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            mutes.Add(new ConversationMute(userId, reader.GetString(0), reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))));
        return mutes;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct, SqliteTransaction? transaction = null,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(ct);
    }
}
