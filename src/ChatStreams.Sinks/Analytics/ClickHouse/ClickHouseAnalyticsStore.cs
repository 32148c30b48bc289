using System.Text.Json;
using ChatStreams.Sinks.Analytics.Migrations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Sinks.Analytics.ClickHouse;

/// <summary>
/// The analytics tables in ClickHouse (18.16 and later) over its HTTP interface. No unique keys, no transactions: every
/// table is a ReplacingMergeTree ordered by its natural key, a batch is one TabSeparated INSERT per table, and a
/// replayed batch writes rows equal to the ones already there, which FINAL (or GROUP BY the key) collapses; the
/// documented queries all read that way. Tables are written in an order that keeps a half-written batch harmless:
/// message_reads before receipts, because the next batch derives reads from the receipts already stored.
/// </summary>
public sealed class ClickHouseAnalyticsStore : IAnalyticsStore
{
    private static readonly Dictionary<string, string> ReadOnlySettings = new()
    {
        ["readonly"] = "1", // ClickHouse itself refuses writes and setting changes
        ["output_format_json_quote_64bit_integers"] = "0",
    };

    private readonly ClickHouseHttp _http;
    private readonly string _database;
    private readonly ILogger _logger;

    public ClickHouseAnalyticsStore(AnalyticsStoreOptions options, ILogger<ClickHouseAnalyticsStore>? logger = null)
    {
        _http = new ClickHouseHttp(options);
        _database = options.ClickHouseDatabase;
        _logger = logger ?? NullLogger<ClickHouseAnalyticsStore>.Instance;
    }

    public string Location => _http.Location;

    public async Task InitializeAsync(CancellationToken ct) => await MigrateAsync(int.MaxValue, ct);

    /// <summary>
    /// Applies the migrations up to <paramref name="upToVersion"/> that schema_migrations does not list. Without
    /// transactions two processes starting at once may both run a script; the scripts are idempotent (IF NOT EXISTS)
    /// and schema_migrations is keyed by version, so that is harmless.
    /// </summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(int upToVersion, CancellationToken ct)
    {
        await _http.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {_database}", ct, inDatabase: false);
        await _http.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version Int32, name String, applied_at_ms Int64) ENGINE = ReplacingMergeTree() ORDER BY (version)", ct);
        var done = (await AppliedMigrationsAsync(ct)).ToHashSet();
        var applied = new List<int>();
        foreach (var migration in AnalyticsMigrations.For(AnalyticsMigrations.ClickHouse).Where(m => m.Version <= upToVersion && !done.Contains(m.Version)))
        {
            foreach (var statement in migration.Statements) await _http.ExecuteAsync(statement, ct);
            await _http.InsertAsync("INSERT INTO schema_migrations (version, name, applied_at_ms) FORMAT TabSeparated",
                TabSeparated.Rows([migration], m => [m.Version, m.Name, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()]), ct);
            applied.Add(migration.Version);
            _logger.LogInformation("Analytics store {Location}: applied migration {Version} ({Name}).", Location, migration.Version, migration.Name);
        }
        return applied;
    }

    public async Task<IReadOnlyList<int>> AppliedMigrationsAsync(CancellationToken ct)
    {
        var text = await _http.ExecuteAsync("SELECT DISTINCT version FROM schema_migrations ORDER BY version FORMAT TabSeparated", ct);
        return [.. Lines(text).Select(int.Parse)];
    }

    public async Task WriteAsync(AnalyticsBatch batch, CancellationToken ct)
    {
        await InsertAsync("conversations", "conversation_id, kind, title, created_by, created_at_ms, initial_members", batch.Conversations,
            r => [r.ConversationId, r.Kind, r.Title, r.CreatedBy, r.CreatedAtMs, r.InitialMembers], ct);
        await InsertAsync("messages",
            "conversation_id, seq, message_id, sender_id, device_id, edge_id, conversation_kind, sent_at_ms, command_issued_at_ms, text_length, text_bytes, attachment_count",
            batch.Messages, r => [r.ConversationId, r.Seq, r.MessageId, r.SenderId, r.DeviceId, r.EdgeId, r.ConversationKind, r.SentAtMs, r.CommandIssuedAtMs,
                                  r.TextLength, r.TextBytes, r.AttachmentCount], ct);
        await InsertAsync("message_changes", "conversation_id, seq, target_seq, user_id, change, emoji, at_ms", batch.MessageChanges,
            r => [r.ConversationId, r.Seq, r.TargetSeq, r.UserId, r.Change, r.Emoji, r.AtMs], ct);
        await InsertAsync("deliveries",
            "conversation_id, seq, user_id, edge_id, device_key, device_id, event_type, created_at_ms, command_issued_at_ms, latency_ms", batch.Deliveries,
            r => [r.ConversationId, r.Seq, r.UserId, r.EdgeId, r.DeviceKey, r.DeviceId, r.EventType, r.CreatedAtMs, r.CommandIssuedAtMs, r.LatencyMs], ct);
        await InsertAsync("message_reads", "conversation_id, seq, user_id, read_at_ms", batch.MessageReads,
            r => [r.ConversationId, r.Seq, r.UserId, r.ReadAtMs], ct);
        await InsertAsync("receipts", "conversation_id, user_id, delivered_seq, read_seq, at_ms, delivered_to_all_seq, read_by_all_seq", batch.Receipts,
            r => [r.ConversationId, r.UserId, r.DeliveredSeq, r.ReadSeq, r.AtMs, r.DeliveredToAllSeq, r.ReadByAllSeq], ct);
        await InsertAsync("presence_sessions", "user_id, started_at_ms, ended_at_ms, duration_ms, closed", batch.PresenceSessions,
            r => [r.UserId, r.StartedAtMs, r.EndedAtMs, r.DurationMs, r.Closed], ct);
    }

    private Task InsertAsync<T>(string table, string columns, IReadOnlyList<T> rows, Func<T, object?[]> values, CancellationToken ct) =>
        rows.Count == 0 ? Task.CompletedTask : _http.InsertAsync($"INSERT INTO {table} ({columns}) FORMAT TabSeparated", TabSeparated.Rows(rows, values), ct);

    public async Task<IReadOnlyDictionary<string, string>> ConversationKindsAsync(IReadOnlyCollection<string> conversationIds, CancellationToken ct)
    {
        if (conversationIds.Count == 0) return new Dictionary<string, string>();
        var text = await _http.ExecuteAsync(
            $"SELECT conversation_id, any(kind) FROM conversations WHERE conversation_id IN ({SqlLiterals.List(conversationIds, SqlLiterals.ClickHouse)}) " +
            "GROUP BY conversation_id FORMAT TabSeparated", ct);
        return Lines(text).Select(l => l.Split('\t')).ToDictionary(f => Unescape(f[0]), f => Unescape(f[1]));
    }

    public async Task<IReadOnlyDictionary<(string ConversationId, string UserId), long>> ReadSeqsAsync(
        IReadOnlyCollection<(string ConversationId, string UserId)> members, CancellationToken ct)
    {
        var seqs = new Dictionary<(string, string), long>();
        if (members.Count == 0) return seqs;
        var wanted = members.ToHashSet();
        var text = await _http.ExecuteAsync(
            "SELECT conversation_id, user_id, max(read_seq) FROM receipts " +
            $"WHERE conversation_id IN ({SqlLiterals.List(members.Select(m => m.ConversationId), SqlLiterals.ClickHouse)}) " +
            $"AND user_id IN ({SqlLiterals.List(members.Select(m => m.UserId), SqlLiterals.ClickHouse)}) GROUP BY conversation_id, user_id FORMAT TabSeparated", ct);
        foreach (var f in Lines(text).Select(l => l.Split('\t')))
        {
            var key = (Unescape(f[0]), Unescape(f[1]));
            if (wanted.Contains(key)) seqs[key] = long.Parse(f[2]);
        }
        return seqs;
    }

    public async Task<IReadOnlyDictionary<string, PresenceSessionRow>> LatestPresenceSessionsAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0) return new Dictionary<string, PresenceSessionRow>();
        var users = SqlLiterals.List(userIds, SqlLiterals.ClickHouse);
        // FINAL: the open and the closed row of a session may both still be unmerged; the closed one (higher version) counts.
        var text = await _http.ExecuteAsync(
            "SELECT user_id, started_at_ms, ended_at_ms, duration_ms FROM presence_sessions FINAL " +
            $"WHERE user_id IN ({users}) AND (user_id, started_at_ms) IN " +
            $"(SELECT user_id, max(started_at_ms) FROM presence_sessions WHERE user_id IN ({users}) GROUP BY user_id) FORMAT TabSeparated", ct);
        return Lines(text).Select(l => l.Split('\t')).ToDictionary(f => Unescape(f[0]),
            f => new PresenceSessionRow(Unescape(f[0]), long.Parse(f[1]), f[2] == "\\N" ? null : long.Parse(f[2]), f[3] == "\\N" ? null : long.Parse(f[3])));
    }

    /// <summary>Runs an analyst's query with readonly=1 and returns ClickHouse's JSONCompact answer as plain values.</summary>
    public async Task<AnalyticsQueryResult> QueryAsync(string sql, CancellationToken ct)
    {
        var statement = ReadOnlySql.Check(sql, backslashEscapes: true);
        string text;
        try
        {
            text = await _http.ExecuteAsync(statement + "\nFORMAT JSONCompact", ct, settings: ReadOnlySettings);
        }
        catch (ClickHouseException e)
        {
            throw new AnalyticsQueryException(e.Message, e);
        }
        using var json = JsonDocument.Parse(text);
        var columns = json.RootElement.GetProperty("meta").EnumerateArray()
            .Select(c => new AnalyticsColumn(c.GetProperty("name").GetString()!, c.GetProperty("type").GetString()!)).ToList();
        var rows = json.RootElement.GetProperty("data").EnumerateArray()
            .Select(r => (IReadOnlyList<object?>)r.EnumerateArray().Select(Plain).ToList()).ToList();
        return new AnalyticsQueryResult(columns, rows);
    }

    private static object? Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => value.TryGetInt64(out var l) ? (object)l : value.GetDouble(),
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };

    private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Reverses <see cref="TabSeparated.Escape"/> for the ids the lookups read back.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] != '\\' || i + 1 == field.Length) { text.Append(field[i]); continue; }
            text.Append(field[++i] switch { 't' => '\t', 'n' => '\n', 'r' => '\r', '0' => '\0', var c => c });
        }
        return text.ToString();
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
