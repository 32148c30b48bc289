using DuckDB.NET.Data;

namespace ChatStreams.Sinks.Analytics.DuckDb;

public sealed partial class DuckDbAnalyticsStore
{
    public async Task WriteAsync(AnalyticsBatch batch, CancellationToken ct)
    {
        if (_readOnly) throw new InvalidOperationException($"The analytics store {DatabasePath} is open read-only; only the analytics sink writes it.");
        await _writes.WaitAsync(ct);
        try
        {
            var connection = _writer ?? throw new InvalidOperationException("InitializeAsync first: the analytics store is not migrated yet.");
            await using var tx = await connection.BeginTransactionAsync(ct);
            try
            {
                await InsertAsync(connection, tx, "conversations", 6, batch.Conversations,
                    r => [r.ConversationId, r.Kind, r.Title, r.CreatedBy, r.CreatedAtMs, r.InitialMembers], ct);
                await InsertAsync(connection, tx, "messages", 12, batch.Messages,
                    r => [r.ConversationId, r.Seq, r.MessageId, r.SenderId, r.DeviceId, r.EdgeId, r.ConversationKind, r.SentAtMs, r.CommandIssuedAtMs,
                          r.TextLength, r.TextBytes, r.AttachmentCount], ct);
                await InsertAsync(connection, tx, "message_changes", 7, batch.MessageChanges,
                    r => [r.ConversationId, r.Seq, r.TargetSeq, r.UserId, r.Change, r.Emoji, r.AtMs], ct);
                await InsertAsync(connection, tx, "deliveries", 10, batch.Deliveries,
                    r => [r.ConversationId, r.Seq, r.UserId, r.EdgeId, r.DeviceKey, r.DeviceId, r.EventType, r.CreatedAtMs, r.CommandIssuedAtMs, r.LatencyMs], ct);
                await InsertAsync(connection, tx, "receipts", 7, batch.Receipts,
                    r => [r.ConversationId, r.UserId, r.DeliveredSeq, r.ReadSeq, r.AtMs, r.DeliveredToAllSeq, r.ReadByAllSeq], ct);
                await InsertAsync(connection, tx, "message_reads", 4, batch.MessageReads, r => [r.ConversationId, r.Seq, r.UserId, r.ReadAtMs], ct);
                // A session is inserted open and later completed in place; a closed session is never reopened or moved.
                await InsertAsync(connection, tx, "presence_sessions", 5, batch.PresenceSessions,
                    r => [r.UserId, r.StartedAtMs, r.EndedAtMs, r.DurationMs, r.Closed], ct,
                    "ON CONFLICT (user_id, started_at_ms) DO UPDATE SET ended_at_ms = excluded.ended_at_ms, duration_ms = excluded.duration_ms, " +
                    "closed = excluded.closed WHERE presence_sessions.closed = 0");
                await tx.CommitAsync(ct);
            }
            catch
            {
                await SafeRollbackAsync(tx);
                throw;
            }
        }
        finally { _writes.Release(); }
    }

    /// <summary>One prepared INSERT per table, executed per row inside the batch's transaction.</summary>
    private static async Task InsertAsync<T>(DuckDBConnection connection, System.Data.Common.DbTransaction tx, string table, int columns, IReadOnlyList<T> rows,
        Func<T, object?[]> values, CancellationToken ct, string onConflict = "ON CONFLICT DO NOTHING")
    {
        if (rows.Count == 0) return;
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"INSERT INTO {table} VALUES ({string.Join(", ", Enumerable.Range(1, columns).Select(i => "$" + i))}) {onConflict}";
        for (var i = 0; i < columns; i++) command.Parameters.Add(new DuckDBParameter());
        foreach (var row in rows)
        {
            var v = values(row);
            for (var i = 0; i < columns; i++) command.Parameters[i].Value = v[i] ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
