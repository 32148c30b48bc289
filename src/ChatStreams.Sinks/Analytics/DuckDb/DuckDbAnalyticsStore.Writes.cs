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

    // Rows per INSERT statement: one multi-row VALUES list is far faster in DuckDB than a statement per row (each
    // execution is planned again), and a bounded chunk keeps the parameter count reasonable.
    private const int RowsPerStatement = 200;

    /// <summary>Multi-row parameterized INSERTs of a table's rows inside the batch's transaction.</summary>
    private static async Task InsertAsync<T>(DuckDBConnection connection, System.Data.Common.DbTransaction tx, string table, int columns, IReadOnlyList<T> rows,
        Func<T, object?[]> values, CancellationToken ct, string onConflict = "ON CONFLICT DO NOTHING")
    {
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            var text = new System.Text.StringBuilder($"INSERT INTO {table} VALUES ");
            var n = 0;
            for (var r = 0; r < chunk.Length; r++)
            {
                text.Append(r == 0 ? "(" : ", (");
                var v = values(chunk[r]);
                for (var i = 0; i < columns; i++)
                {
                    text.Append(i == 0 ? "$" : ", $").Append(++n);
                    command.Parameters.Add(new DuckDBParameter(v[i] ?? DBNull.Value));
                }
                text.Append(')');
            }
            command.CommandText = text.Append(' ').Append(onConflict).ToString();
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
