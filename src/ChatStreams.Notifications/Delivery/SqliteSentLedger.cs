using Microsoft.Data.Sqlite;

namespace ChatStreams.Notifications.Delivery;

/// <summary>The sent ledger in a SQLite file (Notifications:LedgerPath), synchronous=FULL: an entry survives a kill -9 once recorded.</summary>
public sealed class SqliteSentLedger : ISentLedger
{
    private readonly string _connectionString;

    public SqliteSentLedger(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    public string Path { get; }

    public async Task InitializeAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS sent_notifications (
                user_id TEXT NOT NULL,
                conversation_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                outcome TEXT NOT NULL,
                recorded_at INTEGER NOT NULL,
                PRIMARY KEY (user_id, conversation_id, seq)) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS sent_notifications_by_time ON sent_notifications (recorded_at);
            """;
        await command.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlySet<NotificationKey>> RecordedAsync(IReadOnlyCollection<NotificationKey> keys, CancellationToken ct)
    {
        var found = new HashSet<NotificationKey>();
        if (keys.Count == 0) return found;
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM sent_notifications WHERE user_id = $user AND conversation_id = $conversation AND seq = $seq";
        var user = command.Parameters.Add("$user", SqliteType.Text);
        var conversation = command.Parameters.Add("$conversation", SqliteType.Text);
        var seq = command.Parameters.Add("$seq", SqliteType.Integer);
        foreach (var key in keys)
        {
            user.Value = key.UserId;
            conversation.Value = key.ConversationId;
            seq.Value = key.Seq;
            if (await command.ExecuteScalarAsync(ct) is not null) found.Add(key);
        }
        return found;
    }

    public async Task RecordAsync(IReadOnlyCollection<NotificationKey> keys, string outcome, DateTimeOffset at, CancellationToken ct)
    {
        if (keys.Count == 0) return;
        await using var connection = await OpenAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO sent_notifications (user_id, conversation_id, seq, outcome, recorded_at) VALUES ($user, $conversation, $seq, $outcome, $at)
            ON CONFLICT DO NOTHING
            """;
        var user = command.Parameters.Add("$user", SqliteType.Text);
        var conversation = command.Parameters.Add("$conversation", SqliteType.Text);
        var seq = command.Parameters.Add("$seq", SqliteType.Integer);
        command.Parameters.AddWithValue("$outcome", outcome);
        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        foreach (var key in keys)
        {
            user.Value = key.UserId;
            conversation.Value = key.ConversationId;
            seq.Value = key.Seq;
            await command.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM sent_notifications WHERE recorded_at < $before";
        command.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(ct);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous=FULL";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }
}
