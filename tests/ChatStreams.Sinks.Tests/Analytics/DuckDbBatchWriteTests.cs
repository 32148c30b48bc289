using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.Analytics.DuckDb;
using ChatStreams.TestSupport;
using DuckDB.NET.Data;

namespace ChatStreams.Sinks.Tests.Analytics;

/// <summary>
/// How DuckDbAnalyticsStore writes a batch (appended straight into the tables, or through the staging tables with
/// ON CONFLICT when a key is already stored or comes twice): replays add nothing and keep the first values in every
/// table, presence sessions are completed once and never reopened, a failed batch leaves nothing behind (tables and
/// staging), and every column keeps its value or NULL. Batches are given to the store directly, without the sink's
/// deduplication, so the store's own guarantees are what is tested.
/// </summary>
public sealed class DuckDbBatchWriteTests : IAsyncLifetime
{
    private static readonly string[] Tables = ["conversations", "messages", "message_changes", "deliveries", "receipts", "message_reads", "presence_sessions"];

    private readonly TempDirectory _folder = new("analytics-batches");
    private DuckDbAnalyticsStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = new DuckDbAnalyticsStore(_folder.Sub("analytics.duckdb"));
        await _store.InitializeAsync(default);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>A batch with rows in every table, NULLs in every nullable column; seqs from <paramref name="firstSeq"/>.</summary>
    private static AnalyticsBatch Batch(long firstSeq, int messages = 3, int textLength = 5, string edge = "edge-1")
    {
        var conversation = $"c-{firstSeq}";
        var seqs = Enumerable.Range(0, messages).Select(i => firstSeq + i).ToList();
        return new AnalyticsBatch(
            [new ConversationRow(conversation, "group", null, "alice", 1_000 + firstSeq, 3), new ConversationRow(conversation + "-titled", "direct", "Tëam 'x'", "bob", 2_000, 2)],
            [.. seqs.Select(s => new MessageRow(conversation, s, $"m-{s}", "alice", "alice-phone", s % 2 == 0 ? null : edge, s % 2 == 0 ? null : "group",
                10_000 + s, s % 2 == 0 ? null : 9_990 + s, textLength, textLength * 2, (int)(s % 3)))],
            [new MessageChangeRow(conversation, firstSeq + 100, firstSeq, "bob", "reaction_added", "👍", 20_000), new MessageChangeRow(conversation, firstSeq + 101, firstSeq, "alice", "deleted", null, 20_001)],
            [.. seqs.SelectMany(s => new[] { "bob", "carol" }.Select(u => new DeliveryRow(conversation, s, u, edge, "", u == "bob" ? null : $"{u}-phone", "message_sent",
                10_005 + s, u == "bob" ? null : 9_990 + s, u == "bob" ? null : 15)))],
            [new ReceiptRow(conversation, "bob", firstSeq + 1, firstSeq, 30_000, firstSeq, 0)],
            [new MessageReadRow(conversation, firstSeq, "bob", 30_000)],
            [new PresenceSessionRow($"user-{firstSeq}", 40_000, null, null), new PresenceSessionRow($"user-{firstSeq}", 30_000, 35_000, 5_000)]);
    }

    private async Task<List<string>> TablesAsync()
    {
        var rows = new List<string>();
        foreach (var table in Tables)
            rows.AddRange((await _store.QueryAsync($"SELECT * FROM {table} ORDER BY ALL", default)).Rows
                .Select(r => $"{table}: {string.Join(" | ", r.Select(v => v?.ToString() ?? "NULL"))}"));
        return rows;
    }

    private async Task<long> CountAsync(string sql) => Convert.ToInt64((await _store.QueryAsync(sql, default)).Rows[0][0]);

    [Fact]
    public async Task Every_column_keeps_its_value_or_null()
    {
        await _store.WriteAsync(Batch(1, messages: 2), default);
        var rows = await TablesAsync();
        Assert.Contains("conversations: c-1 | group | NULL | alice | 1001 | 3", rows);
        Assert.Contains("conversations: c-1-titled | direct | Tëam 'x' | bob | 2000 | 2", rows);
        Assert.Contains("messages: c-1 | 1 | m-1 | alice | alice-phone | edge-1 | group | 10001 | 9991 | 5 | 10 | 1", rows);
        Assert.Contains("messages: c-1 | 2 | m-2 | alice | alice-phone | NULL | NULL | 10002 | NULL | 5 | 10 | 2", rows);
        Assert.Contains("message_changes: c-1 | 101 | 1 | bob | reaction_added | 👍 | 20000", rows);
        Assert.Contains("message_changes: c-1 | 102 | 1 | alice | deleted | NULL | 20001", rows);
        Assert.Contains("deliveries: c-1 | 1 | bob | edge-1 |  | NULL | message_sent | 10006 | NULL | NULL", rows);
        Assert.Contains("deliveries: c-1 | 1 | carol | edge-1 |  | carol-phone | message_sent | 10006 | 9991 | 15", rows);
        Assert.Contains("receipts: c-1 | bob | 2 | 1 | 30000 | 1 | 0", rows);
        Assert.Contains("message_reads: c-1 | 1 | bob | 30000", rows);
        Assert.Contains("presence_sessions: user-1 | 30000 | 35000 | 5000 | 1", rows);
        Assert.Contains("presence_sessions: user-1 | 40000 | NULL | NULL | 0", rows);
        Assert.Equal(2 + 2 + 2 + 4 + 1 + 1 + 2, rows.Count);
        Assert.Equal(0, await _store.StagedRowsAsync(default));
    }

    [Fact]
    public async Task A_replayed_batch_adds_nothing_to_any_table_and_keeps_the_values_stored_first()
    {
        await _store.WriteAsync(Batch(1), default);
        var stored = await TablesAsync();

        await _store.WriteAsync(Batch(1), default); // the same batch again, as after a crash
        Assert.Equal(stored, await TablesAsync());

        // A replay whose rows differ outside the keys changes nothing stored; the new rows beside it land.
        var replay = Batch(1, textLength: 99, edge: "edge-1");
        var fresh = Batch(1_000);
        await _store.WriteAsync(replay with
        {
            Messages = [.. replay.Messages, .. fresh.Messages],
            Deliveries = [.. fresh.Deliveries, .. replay.Deliveries],
            PresenceSessions = fresh.PresenceSessions,
        }, default);
        var after = await TablesAsync();
        Assert.Empty(stored.Except(after));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM messages WHERE text_length = 99"));
        Assert.Equal(fresh.Messages.Count, await CountAsync("SELECT count(*) FROM messages WHERE conversation_id = 'c-1000'"));
        Assert.Equal(fresh.Deliveries.Count, await CountAsync("SELECT count(*) FROM deliveries WHERE conversation_id = 'c-1000'"));
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM presence_sessions WHERE user_id = 'user-1000'"));
        Assert.Equal(0, await _store.StagedRowsAsync(default));
    }

    [Fact]
    public async Task A_key_twice_in_one_batch_lands_once_with_the_first_rows_values()
    {
        var first = Batch(1, textLength: 5);
        var second = Batch(1, textLength: 7);
        await _store.WriteAsync(first with { Messages = [.. first.Messages, .. second.Messages], Deliveries = [.. first.Deliveries, .. second.Deliveries] }, default);
        Assert.Equal(first.Messages.Count, await CountAsync("SELECT count(*) FROM messages"));
        Assert.Equal(first.Messages.Count, await CountAsync("SELECT count(*) FROM messages WHERE text_length = 5"));
        Assert.Equal(first.Deliveries.Count, await CountAsync("SELECT count(*) FROM deliveries"));
        Assert.Equal(0, await _store.StagedRowsAsync(default));
    }

    [Fact]
    public async Task A_replayed_row_in_a_batch_larger_than_one_appender_chunk_falls_back_and_lands_the_rest()
    {
        await _store.WriteAsync(Batch(1), default);
        // 3,000 deliveries: DuckDB's appender hands rows over 2,048 at a time, so the stored row (first) fails the
        // append in the middle of the batch, not at its end.
        var big = Batch(10, messages: 1_500);
        await _store.WriteAsync(big with { Deliveries = [Batch(1).Deliveries[0] with { LatencyMs = 999 }, .. big.Deliveries] }, default);
        Assert.Equal(Batch(1).Deliveries.Count + big.Deliveries.Count, await CountAsync("SELECT count(*) FROM deliveries"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM deliveries WHERE latency_ms = 999"));
        Assert.Equal(0, await _store.StagedRowsAsync(default));
    }

    [Fact]
    public async Task A_presence_session_is_closed_in_place_once_and_a_closed_one_is_never_reopened_or_moved()
    {
        await _store.WriteAsync(AnalyticsBatch.Empty with
        {
            PresenceSessions = [new PresenceSessionRow("ann", 1_000, null, null), new PresenceSessionRow("ben", 2_000, 2_500, 500)],
        }, default);

        // Ann's open session closes; Ben's closed one is offered open again. The batch also replays a message, so it
        // takes the ON CONFLICT way for every table.
        var message = Batch(1) with { PresenceSessions = [] };
        await _store.WriteAsync(message, default);
        await _store.WriteAsync(message with
        {
            PresenceSessions = [new PresenceSessionRow("ann", 1_000, 1_600, 600), new PresenceSessionRow("ben", 2_000, null, null)],
        }, default);
        // Both closed sessions are offered a different end, in a batch of fresh rows only.
        await _store.WriteAsync(Batch(50) with
        {
            PresenceSessions = [new PresenceSessionRow("ann", 1_000, 5_000, 4_000), new PresenceSessionRow("ben", 2_000, 9_000, 7_000)],
        }, default);

        var sessions = (await _store.QueryAsync("SELECT user_id, started_at_ms, ended_at_ms, duration_ms, closed FROM presence_sessions WHERE user_id IN ('ann', 'ben') ORDER BY user_id", default)).Rows;
        Assert.Equal([["ann", 1_000L, 1_600L, 600L, 1L], ["ben", 2_000L, 2_500L, 500L, 1L]], sessions.Select(r => r.ToList()).ToList());
        Assert.Equal(0, await _store.StagedRowsAsync(default));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_batch_leaves_nothing_behind_and_the_next_batch_lands(bool withReplayedRows)
    {
        await _store.WriteAsync(Batch(1), default);
        var stored = await TablesAsync();

        // A delivery in the middle of the batch has no edge (NOT NULL); every table before and after it has rows.
        var bad = Batch(100, messages: 20);
        var deliveries = bad.Deliveries.ToList();
        deliveries[deliveries.Count / 2] = deliveries[deliveries.Count / 2] with { EdgeId = null! };
        bad = bad with { Deliveries = deliveries };
        if (withReplayedRows) bad = bad with { Messages = [.. Batch(1).Messages, .. bad.Messages] };
        var error = await Assert.ThrowsAsync<DuckDBException>(() => _store.WriteAsync(bad, default));
        Assert.Contains("NOT NULL", error.Message);
        Assert.Equal(stored, await TablesAsync());
        Assert.Equal(0, await _store.StagedRowsAsync(default));

        var good = Batch(200);
        await _store.WriteAsync(good, default);
        Assert.Equal(good.Deliveries.Count, await CountAsync("SELECT count(*) FROM deliveries WHERE conversation_id = 'c-200'"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM deliveries WHERE conversation_id = 'c-100'"));
        Assert.Equal(stored.Count + stored.Count, (await TablesAsync()).Count); // Batch(200) has as many rows as Batch(1)
        Assert.Equal(0, await _store.StagedRowsAsync(default));
    }
}
