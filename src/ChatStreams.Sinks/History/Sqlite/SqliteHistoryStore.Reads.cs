using chatstreams.v1;
using Microsoft.Data.Sqlite;

namespace ChatStreams.Sinks.History.Sqlite;

public sealed partial class SqliteHistoryStore
{
    public async Task<long> HeadAsync(string conversationId, CancellationToken ct)
    {
        await using var connection = await OpenInitializedAsync(ct);
        return await ScalarAsync(connection, "SELECT last_seq FROM conversations WHERE conversation_id = @c", ct, ("@c", conversationId)) is long seq ? seq : 0;
    }

    public async Task<bool> IsMemberAsync(string conversationId, string userId, CancellationToken ct)
    {
        await using var connection = await OpenInitializedAsync(ct);
        return await ScalarAsync(connection, "SELECT 1 FROM memberships WHERE conversation_id = @c AND user_id = @u AND to_seq IS NULL LIMIT 1", ct,
            ("@c", conversationId), ("@u", userId)) is not null;
    }

    public async Task<bool> HasAccessAsync(string conversationId, string userId, CancellationToken ct)
    {
        await using var connection = await OpenInitializedAsync(ct);
        return await ScalarAsync(connection, "SELECT 1 FROM memberships WHERE conversation_id = @c AND user_id = @u LIMIT 1", ct,
            ("@c", conversationId), ("@u", userId)) is not null;
    }

    public async Task<IReadOnlyList<string>> MembersOfAsync(string conversationId, CancellationToken ct)
    {
        await using var connection = await OpenInitializedAsync(ct);
        return await StringsAsync(connection, "SELECT user_id FROM memberships WHERE conversation_id = @c AND to_seq IS NULL ORDER BY user_id", ct, ("@c", conversationId));
    }

    public async Task<IReadOnlyList<HistoryItem>> EventsAsync(string conversationId, string userId, long afterSeq, long beforeSeq, int limit, bool newestFirst, CancellationToken ct)
    {
        if (limit <= 0 || beforeSeq <= afterSeq + 1) return [];
        await using var connection = await OpenInitializedAsync(ct);
        return await ItemsAsync(connection, conversationId, userId, afterSeq, beforeSeq, limit, newestFirst, ct);
    }

    public async Task<IReadOnlyList<ConversationSummary>> ConversationsOfAsync(string userId, CancellationToken ct)
    {
        await using var connection = await OpenInitializedAsync(ct);
        var ids = await StringsAsync(connection, "SELECT conversation_id FROM memberships WHERE user_id = @u AND to_seq IS NULL", ct, ("@u", userId));
        var summaries = new List<ConversationSummary>(ids.Count);
        foreach (var id in ids)
            if (await SummaryAsync(connection, id, userId, ct) is { } summary) summaries.Add(summary);
        return summaries.OrderByDescending(s => s.LastActivity).ThenBy(s => s.ConversationId, StringComparer.Ordinal).ToList();
    }

    public async Task<ConversationSummary?> ConversationAsync(string conversationId, string userId, CancellationToken ct)
    {
        await using var connection = await OpenInitializedAsync(ct);
        if (await ScalarAsync(connection, "SELECT 1 FROM memberships WHERE conversation_id = @c AND user_id = @u LIMIT 1", ct,
                ("@c", conversationId), ("@u", userId)) is null)
            return null;
        return await SummaryAsync(connection, conversationId, userId, ct);
    }

    public async Task<IReadOnlyList<string>> ContactsOfAsync(string userId, CancellationToken ct)
    {
        await using var connection = await OpenInitializedAsync(ct);
        return await StringsAsync(connection, """
            SELECT DISTINCT other.user_id FROM memberships me
            JOIN memberships other ON other.conversation_id = me.conversation_id AND other.to_seq IS NULL
            WHERE me.user_id = @u AND me.to_seq IS NULL AND other.user_id <> @u
            ORDER BY other.user_id
            """, ct, ("@u", userId));
    }

    public async Task<IReadOnlyList<ReadableRange>> ReadableRangesAsync(string userId, CancellationToken ct)
    {
        await using var connection = await OpenInitializedAsync(ct);
        var ranges = new List<ReadableRange>();
        await using var command = Command(connection,
            "SELECT conversation_id, from_seq, to_seq FROM memberships WHERE user_id = @u ORDER BY conversation_id, from_seq", ("@u", userId));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            ranges.Add(new ReadableRange(reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? long.MaxValue : reader.GetInt64(2)));
        return ranges;
    }

    private static async Task<ConversationSummary?> SummaryAsync(SqliteConnection connection, string conversationId, string userId, CancellationToken ct)
    {
        string kind;
        string? title;
        long createdAt, lastActivity, lastSeq;
        await using (var command = Command(connection, "SELECT kind, title, created_at, last_activity, last_seq FROM conversations WHERE conversation_id = @c", ("@c", conversationId)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return null;
            kind = reader.GetString(0);
            title = reader.IsDBNull(1) ? null : reader.GetString(1);
            (createdAt, lastActivity, lastSeq) = (reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }
        var members = new List<ConversationMember>();
        await using (var command = Command(connection, "SELECT user_id, role FROM memberships WHERE conversation_id = @c AND to_seq IS NULL ORDER BY user_id", ("@c", conversationId)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) members.Add(new ConversationMember(reader.GetString(0), reader.GetString(1)));
        long delivered = 0, read = 0;
        await using (var command = Command(connection, "SELECT delivered_seq, read_seq FROM read_state WHERE conversation_id = @c AND user_id = @u", ("@c", conversationId), ("@u", userId)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            if (await reader.ReadAsync(ct)) (delivered, read) = (reader.GetInt64(0), reader.GetInt64(1));
        var unread = (long)(await ScalarAsync(connection, $"""
            SELECT count(*) FROM messages x
            WHERE x.conversation_id = @c AND x.seq > @read AND x.sender_id <> @user AND x.deleted = 0 AND {SqliteHistorySchema.Visible}
            """, ct, ("@c", conversationId), ("@read", read), ("@user", userId)))!;
        var lastMessageSeq = await ScalarAsync(connection, $"""
            SELECT max(x.seq) FROM messages x WHERE x.conversation_id = @c AND {SqliteHistorySchema.Visible}
            """, ct, ("@c", conversationId), ("@user", userId)) as long?;
        var last = lastMessageSeq is { } seq
            ? (await ItemsAsync(connection, conversationId, userId, seq - 1, seq + 1, 1, false, ct)).SingleOrDefault()
            : null;
        return new ConversationSummary(conversationId, kind, title, members, members.Any(m => m.UserId == userId), lastSeq, delivered, read, unread,
            FromUnixMs(createdAt), FromUnixMs(lastActivity), last);
    }

    private static async Task<IReadOnlyList<HistoryItem>> ItemsAsync(SqliteConnection connection, string conversationId, string userId,
        long afterSeq, long beforeSeq, int limit, bool newestFirst, CancellationToken ct)
    {
        var rows = new List<(ChatEvent Event, (string Body, bool Edited, bool Deleted)? Message)>();
        await using (var command = Command(connection, $"""
            SELECT x.record, msg.body, msg.edited, msg.deleted FROM events x
            LEFT JOIN messages msg ON msg.conversation_id = x.conversation_id AND msg.seq = x.seq
            WHERE x.conversation_id = @c AND x.seq > @after AND x.seq < @before AND {SqliteHistorySchema.Visible}
            ORDER BY x.seq {(newestFirst ? "DESC" : "ASC")} LIMIT @limit
            """, ("@c", conversationId), ("@after", afterSeq), ("@before", beforeSeq), ("@user", userId), ("@limit", limit)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                rows.Add((EventRecordCodec.Decode((byte[])reader.GetValue(0)),
                    reader.IsDBNull(1) ? null : (reader.GetString(1), reader.GetInt64(2) != 0, reader.GetInt64(3) != 0)));
        if (rows.Count == 0) return [];
        var reactions = await ReactionsAsync(connection, conversationId, rows.Min(r => r.Event.Seq), rows.Max(r => r.Event.Seq), ct);
        return rows.Select(r => new HistoryItem(r.Event, r.Message is { } m
                ? new MessageView(m.Body, m.Edited, m.Deleted, reactions.GetValueOrDefault(r.Event.Seq) ?? Empty)
                : null))
            .ToList();
    }

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Empty = new Dictionary<string, IReadOnlyList<string>>();

    private static async Task<Dictionary<long, IReadOnlyDictionary<string, IReadOnlyList<string>>>> ReactionsAsync(
        SqliteConnection connection, string conversationId, long fromSeq, long toSeq, CancellationToken ct)
    {
        var bySeq = new Dictionary<long, SortedDictionary<string, List<string>>>();
        await using (var command = Command(connection, """
            SELECT seq, emoji, user_id FROM reactions WHERE conversation_id = @c AND seq BETWEEN @from AND @to ORDER BY seq, emoji, user_id
            """, ("@c", conversationId), ("@from", fromSeq), ("@to", toSeq)))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
            {
                if (!bySeq.TryGetValue(reader.GetInt64(0), out var emojis)) bySeq[reader.GetInt64(0)] = emojis = new(StringComparer.Ordinal);
                if (!emojis.TryGetValue(reader.GetString(1), out var users)) emojis[reader.GetString(1)] = users = [];
                users.Add(reader.GetString(2));
            }
        return bySeq.ToDictionary(s => s.Key,
            s => (IReadOnlyDictionary<string, IReadOnlyList<string>>)s.Value.ToDictionary(e => e.Key, e => (IReadOnlyList<string>)e.Value, StringComparer.Ordinal));
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync(ct);
        return value is DBNull ? null : value;
    }

    private static async Task<IReadOnlyList<string>> StringsAsync(SqliteConnection connection, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        var values = new List<string>();
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) values.Add(reader.GetString(0));
        return values;
    }
}
