using System.Data.Common;
using DuckDB.NET.Data;

namespace ChatStreams.Sinks.Analytics.DuckDb;

public sealed partial class DuckDbAnalyticsStore
{
    public async Task<IReadOnlyDictionary<string, string>> ConversationKindsAsync(IReadOnlyCollection<string> conversationIds, CancellationToken ct)
    {
        var kinds = new Dictionary<string, string>();
        if (conversationIds.Count == 0) return kinds;
        await ReadAsync($"SELECT conversation_id, kind FROM conversations WHERE conversation_id IN ({SqlLiterals.List(conversationIds, SqlLiterals.DuckDb)})",
            r => kinds[r.GetString(0)] = r.GetString(1), ct);
        return kinds;
    }

    public async Task<IReadOnlyDictionary<(string ConversationId, string UserId), long>> ReadSeqsAsync(
        IReadOnlyCollection<(string ConversationId, string UserId)> members, CancellationToken ct)
    {
        var seqs = new Dictionary<(string, string), long>();
        if (members.Count == 0) return seqs;
        var wanted = members.ToHashSet();
        await ReadAsync(
            "SELECT conversation_id, user_id, max(read_seq) FROM receipts " +
            $"WHERE conversation_id IN ({SqlLiterals.List(members.Select(m => m.ConversationId), SqlLiterals.DuckDb)}) " +
            $"AND user_id IN ({SqlLiterals.List(members.Select(m => m.UserId), SqlLiterals.DuckDb)}) GROUP BY conversation_id, user_id",
            r =>
            {
                var key = (r.GetString(0), r.GetString(1));
                if (wanted.Contains(key)) seqs[key] = Convert.ToInt64(r.GetValue(2));
            }, ct);
        return seqs;
    }

    public async Task<IReadOnlyDictionary<string, PresenceSessionRow>> LatestPresenceSessionsAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        var sessions = new Dictionary<string, PresenceSessionRow>();
        if (userIds.Count == 0) return sessions;
        await ReadAsync(
            "SELECT user_id, started_at_ms, ended_at_ms, duration_ms FROM presence_sessions " +
            $"WHERE user_id IN ({SqlLiterals.List(userIds, SqlLiterals.DuckDb)}) QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY started_at_ms DESC) = 1",
            r => sessions[r.GetString(0)] = new PresenceSessionRow(r.GetString(0), r.GetInt64(1),
                r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3)), ct);
        return sessions;
    }

    /// <summary>
    /// Runs an analyst's query on a connection of its own, inside a transaction that is always rolled back: behind
    /// <see cref="ReadOnlySql"/>'s check, nothing a query does can stay in the file. DuckDB's MVCC gives it a snapshot,
    /// so it never sees half a batch and never blocks the sink.
    /// </summary>
    public async Task<AnalyticsQueryResult> QueryAsync(string sql, CancellationToken ct)
    {
        var statement = ReadOnlySql.Check(sql);
        await using var connection = await OpenAsync(ct);
        System.Data.Common.DbTransaction? tx = null;
        try
        {
            if (_readOnly) await ExecuteAsync(connection, null, "SET enable_external_access = false", ct);
            tx = await connection.BeginTransactionAsync(ct);
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            command.CommandText = statement;
            await using var reader = await command.ExecuteReaderAsync(ct);
            var columns = Enumerable.Range(0, reader.FieldCount).Select(i => new AnalyticsColumn(reader.GetName(i), reader.GetDataTypeName(i))).ToList();
            var rows = new List<IReadOnlyList<object?>>();
            while (await reader.ReadAsync(ct))
                rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => AnalyticsValues.Plain(reader.IsDBNull(i) ? null : reader.GetValue(i))).ToList());
            return new AnalyticsQueryResult(columns, rows);
        }
        catch (DuckDBException e)
        {
            throw new AnalyticsQueryException($"DuckDB refused the query: {e.Message.Trim()}", e);
        }
        finally
        {
            if (tx is not null)
            {
                await SafeRollbackAsync(tx);
                await tx.DisposeAsync();
            }
        }
    }

    private async Task ReadAsync(string sql, Action<DbDataReader> row, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) row(reader);
    }
}
