using System.Data.Common;
using DuckDB.NET.Data;
using DuckDB.NET.Native;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Sinks.Analytics.DuckDb;

public sealed partial class DuckDbAnalyticsStore
{
    // How a batch lands. Each batch is one transaction, durable at commit, and DuckDB's appender writes inside it
    // (it fills DuckDB's column vectors directly: no SQL text, parameters or planning per row), so whatever a batch
    // did before a failure rolls back with it.
    //
    // On DuckDB 1.5 a statement's fixed cost dominates a sink batch: INSERT ... ON CONFLICT runs as a MERGE (a hash
    // aggregate and a join, set up again for every statement) and costs milliseconds of CPU even for one row, while
    // appending a table's rows costs a fraction of that. So a batch is written in one of two ways:
    //
    // - Fresh (the normal case: every key is new): the rows are appended straight into the tables. DuckDB checks
    //   primary keys and NOT NULL as the appender hands rows over; a key already stored (a batch replayed after a
    //   crash) or twice in the batch fails the append with a constraint error, the transaction rolls back, and the
    //   batch is written again the idempotent way.
    // - Idempotent: each table's rows are appended to a TEMP staging table of the writer connection (the table's
    //   columns, no keys or constraints), moved with one `INSERT INTO t SELECT * FROM staging ON CONFLICT ...`, and
    //   the staging table is emptied, all inside the transaction. Of two rows with the same key in one statement
    //   DuckDB keeps the first; keys and NOT NULL are checked as the rows enter the table.
    //
    // presence_sessions always takes the idempotent way: closing a session updates its stored row in place
    // (ON CONFLICT DO UPDATE of open sessions only), so its rows conflict by design.

    /// <summary>The tables a batch writes, in the order it writes them.</summary>
    private static readonly string[] BatchTables =
        ["conversations", "messages", "message_changes", "deliveries", "receipts", "message_reads", "presence_sessions"];

    private const string DoNothing = "ON CONFLICT DO NOTHING";

    // A session is inserted open and later completed in place; a closed session is never reopened or moved.
    private const string PresenceUpsert =
        "ON CONFLICT (user_id, started_at_ms) DO UPDATE SET ended_at_ms = excluded.ended_at_ms, duration_ms = excluded.duration_ms, " +
        "closed = excluded.closed WHERE presence_sessions.closed = 0";

    private static string Staging(string table) => "staged_" + table;

    public async Task WriteAsync(AnalyticsBatch batch, CancellationToken ct)
    {
        if (_readOnly) throw new InvalidOperationException($"The analytics store {DatabasePath} is open read-only; only the analytics sink writes it.");
        await _writes.WaitAsync(ct);
        try
        {
            var connection = _writer ?? throw new InvalidOperationException("InitializeAsync first: the analytics store is not migrated yet.");
            try
            {
                await WriteInTransactionAsync(connection, batch, idempotent: false, ct);
            }
            catch (DuckDBException e) when (e.ErrorType == DuckDBErrorType.Constraint)
            {
                // Mostly a replay; a row DuckDB would refuse anyway (NOT NULL) fails the same way again and is thrown.
                _logger.LogDebug("Analytics batch failed a constraint ({Reason}); writing it again with ON CONFLICT.", e.Message.Trim());
                await WriteInTransactionAsync(connection, batch, idempotent: true, ct);
            }
        }
        finally { _writes.Release(); }
    }

    private async Task WriteInTransactionAsync(DuckDBConnection connection, AnalyticsBatch batch, bool idempotent, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            // Values in the columns' order and exact types (closed is a UTINYINT: a byte).
            await LandAsync(connection, tx, "conversations", batch.Conversations, idempotent, DoNothing, (r, row) => row
                .AppendValue(r.ConversationId).AppendValue(r.Kind).AppendValue(r.Title).AppendValue(r.CreatedBy).AppendValue(r.CreatedAtMs)
                .AppendValue(r.InitialMembers), ct);
            await LandAsync(connection, tx, "messages", batch.Messages, idempotent, DoNothing, (r, row) => row
                .AppendValue(r.ConversationId).AppendValue(r.Seq).AppendValue(r.MessageId).AppendValue(r.SenderId).AppendValue(r.DeviceId)
                .AppendValue(r.EdgeId).AppendValue(r.ConversationKind).AppendValue(r.SentAtMs).AppendValue(r.CommandIssuedAtMs)
                .AppendValue(r.TextLength).AppendValue(r.TextBytes).AppendValue(r.AttachmentCount), ct);
            await LandAsync(connection, tx, "message_changes", batch.MessageChanges, idempotent, DoNothing, (r, row) => row
                .AppendValue(r.ConversationId).AppendValue(r.Seq).AppendValue(r.TargetSeq).AppendValue(r.UserId).AppendValue(r.Change)
                .AppendValue(r.Emoji).AppendValue(r.AtMs), ct);
            await LandAsync(connection, tx, "deliveries", batch.Deliveries, idempotent, DoNothing, (r, row) => row
                .AppendValue(r.ConversationId).AppendValue(r.Seq).AppendValue(r.UserId).AppendValue(r.EdgeId).AppendValue(r.DeviceKey)
                .AppendValue(r.DeviceId).AppendValue(r.EventType).AppendValue(r.CreatedAtMs).AppendValue(r.CommandIssuedAtMs)
                .AppendValue(r.LatencyMs), ct);
            await LandAsync(connection, tx, "receipts", batch.Receipts, idempotent, DoNothing, (r, row) => row
                .AppendValue(r.ConversationId).AppendValue(r.UserId).AppendValue(r.DeliveredSeq).AppendValue(r.ReadSeq).AppendValue(r.AtMs)
                .AppendValue(r.DeliveredToAllSeq).AppendValue(r.ReadByAllSeq), ct);
            await LandAsync(connection, tx, "message_reads", batch.MessageReads, idempotent, DoNothing, (r, row) => row
                .AppendValue(r.ConversationId).AppendValue(r.Seq).AppendValue(r.UserId).AppendValue(r.ReadAtMs), ct);
            await LandAsync(connection, tx, "presence_sessions", batch.PresenceSessions, idempotent: true, PresenceUpsert, (r, row) => row
                .AppendValue(r.UserId).AppendValue(r.StartedAtMs).AppendValue(r.EndedAtMs).AppendValue(r.DurationMs).AppendValue((byte)r.Closed), ct);
            await tx.CommitAsync(ct);
        }
        catch
        {
            await SafeRollbackAsync(tx);
            throw;
        }
    }

    /// <summary>A table's rows, appended straight into it or (idempotent) through its staging table, inside the batch's transaction.</summary>
    private static async Task LandAsync<T>(DuckDBConnection connection, DbTransaction tx, string table, IReadOnlyList<T> rows, bool idempotent,
        string onConflict, Action<T, IDuckDBAppenderRow> values, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        if (!idempotent)
        {
            Append(connection, table, rows, values);
            return;
        }
        var staging = Staging(table);
        Append(connection, staging, rows, values);
        await ExecuteAsync(connection, tx, $"INSERT INTO {table} SELECT * FROM {staging} {onConflict}", ct);
        await ExecuteAsync(connection, tx, $"DELETE FROM {staging}", ct);
    }

    /// <summary>
    /// Appends the rows in the connection's open transaction. Closing the appender hands DuckDB its last rows, which is
    /// where DuckDB checks them; a failure is reported as it happened, not as the appender's complaint on disposal.
    /// </summary>
    private static void Append<T>(DuckDBConnection connection, string table, IReadOnlyList<T> rows, Action<T, IDuckDBAppenderRow> values)
    {
        var appender = connection.CreateAppender(table);
        try
        {
            foreach (var r in rows)
            {
                var row = appender.CreateRow();
                values(r, row);
                row.EndRow();
            }
            appender.Close();
        }
        catch
        {
            try { appender.Dispose(); }
            catch (Exception e) when (e is DuckDBException or InvalidOperationException) { } // the first failure is the one to report
            throw;
        }
    }

    /// <summary>
    /// (Re)creates the writer connection's staging tables, one per batch table that exists, with the table's columns
    /// and none of its keys or constraints. TEMP tables belong to the connection and never reach the file. They are
    /// created outside any batch, after every migration, so a rolled-back batch never takes one away and a migration
    /// that changes a table's columns changes its staging table's too.
    /// </summary>
    private static async Task CreateStagingTablesAsync(DuckDBConnection writer, CancellationToken ct)
    {
        foreach (var table in BatchTables)
            if (await TableExistsAsync(writer, table, ct))
                await ExecuteAsync(writer, null, $"CREATE OR REPLACE TEMP TABLE {Staging(table)} AS SELECT * FROM {table} LIMIT 0", ct);
    }

    /// <summary>Rows left in the writer's staging tables: 0 between batches, whether the last one committed or failed.</summary>
    internal async Task<long> StagedRowsAsync(CancellationToken ct)
    {
        await _writes.WaitAsync(ct);
        try
        {
            var connection = _writer ?? throw new InvalidOperationException("InitializeAsync first: the analytics store is not migrated yet.");
            long staged = 0;
            foreach (var table in BatchTables)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT count(*) FROM {Staging(table)}";
                staged += Convert.ToInt64(await command.ExecuteScalarAsync(ct));
            }
            return staged;
        }
        finally { _writes.Release(); }
    }
}
