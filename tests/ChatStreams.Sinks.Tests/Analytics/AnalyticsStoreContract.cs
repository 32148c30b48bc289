using System.Text;
using ChatStreams.Sinks.Analytics;
using ChatStreams.TestSupport;
using chatstreams.v1;

namespace ChatStreams.Sinks.Tests.Analytics;

/// <summary>
/// What every analytics store does (DuckDB, ClickHouse): the tables filled from the scenario's records, replays that
/// change no documented answer, latency, presence sessions opened and completed once, Unicode lengths, escaping,
/// versioned migrations, read-only queries, and every SQL example of docs/analytics.md run against the store.
/// </summary>
public abstract class AnalyticsStoreContract
{
    /// <summary>A new, empty, migrated store.</summary>
    protected abstract Task<IAnalyticsStore> CreateStoreAsync();

    /// <summary>A new store that is not migrated yet.</summary>
    protected abstract Task<IAnalyticsStore> CreateUnmigratedStoreAsync();

    /// <summary>The dialect's docs/analytics.md tag ("duckdb" or "clickhouse").</summary>
    protected abstract string Dialect { get; }

    /// <summary>What follows a table name to read it deduplicated ("FINAL" on ClickHouse, nothing on DuckDB).</summary>
    protected abstract string Final { get; }

    private static async Task<IAnalyticsStore> FilledAsync(IAnalyticsStore store, IReadOnlyList<AnalyticsRecord>? records = null)
    {
        await new AnalyticsSinkWriter(store).WriteAsync(records ?? AnalyticsScenario.Records(), default);
        return store;
    }

    private static async Task<List<List<object?>>> RowsAsync(IAnalyticsStore store, string sql) =>
        [.. (await store.QueryAsync(sql, default)).Rows.Select(r => r.ToList())];

    private async Task<long> CountAsync(IAnalyticsStore store, string table) =>
        Convert.ToInt64((await RowsAsync(store, $"SELECT count(*) FROM {table} {Final}"))[0][0]);

    [ContractFact]
    public async Task Every_table_is_filled_from_the_records()
    {
        var store = await FilledAsync(await CreateStoreAsync());

        Assert.Equal(2, await CountAsync(store, "conversations"));
        Assert.Equal(6, await CountAsync(store, "messages")); // 4 in the group, 2 in the direct conversation
        Assert.Equal(4, await CountAsync(store, "message_changes"));
        Assert.Equal(9 * 2 + 3 * 1, await CountAsync(store, "deliveries")); // every event to every other member
        Assert.Equal(4, await CountAsync(store, "receipts"));
        Assert.Equal(3, await CountAsync(store, "presence_sessions"));

        var conversation = (await RowsAsync(store, $"SELECT kind, title, created_by, initial_members FROM conversations {Final} WHERE conversation_id = 'c-group'")).Single();
        Assert.Equal(new object?[] { "group", AnalyticsScenario.Title, "alice", 3L }, conversation);

        var message = (await RowsAsync(store,
            $"SELECT sender_id, device_id, conversation_kind, sent_at_ms, command_issued_at_ms, attachment_count, message_id FROM messages {Final} " +
            "WHERE conversation_id = 'c-direct' AND seq = 3")).Single();
        var sent = AnalyticsScenario.Ms(AnalyticsScenario.Day2.AddHours(3).AddSeconds(3));
        Assert.Equal(new object?[] { "dave", "dave-phone", "direct", sent, sent - 10, 1L, "m-3" }, message);

        var changes = await RowsAsync(store, $"SELECT seq, target_seq, user_id, change, emoji FROM message_changes {Final} ORDER BY seq");
        Assert.Equal(
            [[5L, 2L, "alice", "edited", null], [6L, 2L, "bob", "reaction_added", "👍"], [7L, 2L, "bob", "reaction_removed", "👍"], [8L, 4L, "carol", "deleted", null]],
            changes);

        var reads = await RowsAsync(store, $"SELECT user_id, count(*), min(seq), max(seq) FROM message_reads {Final} WHERE conversation_id = 'c-group' GROUP BY user_id ORDER BY user_id");
        Assert.Equal([["bob", 9L, 1L, 9L], ["carol", 3L, 1L, 3L]], reads);
        var bobReadSeq2At = (await RowsAsync(store, $"SELECT read_at_ms FROM message_reads {Final} WHERE conversation_id = 'c-group' AND user_id = 'bob' AND seq = 2")).Single();
        Assert.Equal(AnalyticsScenario.Ms(AnalyticsScenario.Day1.AddSeconds(10)), bobReadSeq2At[0]); // the first receipt, not the later one
    }

    [ContractFact]
    public async Task Delivery_latency_is_delivery_creation_minus_command_issue_and_device_is_null_for_every_device()
    {
        var store = await FilledAsync(await CreateStoreAsync());
        var rows = await RowsAsync(store,
            $"SELECT user_id, edge_id, device_key, device_id, event_type, latency_ms, created_at_ms - command_issued_at_ms FROM deliveries {Final} " +
            "WHERE conversation_id = 'c-group' AND seq = 3 ORDER BY user_id");
        Assert.Equal(
            [["alice", "edge-2", "", null, "message_sent", (long)AnalyticsScenario.LatencyMs, (long)AnalyticsScenario.LatencyMs],
             ["carol", "edge-2", "", null, "message_sent", (long)AnalyticsScenario.LatencyMs, (long)AnalyticsScenario.LatencyMs]],
            rows);
    }

    [ContractFact]
    public async Task Text_length_counts_code_points_and_bytes_count_utf8()
    {
        var store = await FilledAsync(await CreateStoreAsync());
        var row = (await RowsAsync(store, $"SELECT text_length, text_bytes FROM messages {Final} WHERE conversation_id = 'c-group' AND seq = 3")).Single();
        Assert.Equal(new object?[] { 10L, (long)Encoding.UTF8.GetByteCount(AnalyticsScenario.UnicodeBody) }, row);
        Assert.Equal(11, AnalyticsScenario.UnicodeBody.Length); // what a naive UTF-16 count would have stored
    }

    [ContractFact]
    public async Task Presence_sessions_open_on_online_close_once_on_offline_and_stay_open_without_an_end()
    {
        var store = await FilledAsync(await CreateStoreAsync());
        var day1 = AnalyticsScenario.Ms(AnalyticsScenario.Day1);
        var rows = await RowsAsync(store, $"SELECT user_id, started_at_ms, ended_at_ms, duration_ms, closed FROM presence_sessions {Final} ORDER BY user_id, started_at_ms");
        Assert.Equal(
            [["alice", day1, day1 + 60_000, 60_000L, 1L], ["alice", day1 + 120_000, null, null, 0L], ["bob", day1 + 1000, day1 + 31_000, 30_000L, 1L]],
            rows);

        // Closing the open session in a later batch completes that row; the closed ones stay as they are.
        await FilledAsync(store, [AnalyticsScenario.Presence("alice", PresenceStatus.Offline, AnalyticsScenario.Day1.AddSeconds(150))]);
        rows = await RowsAsync(store, $"SELECT user_id, started_at_ms, ended_at_ms, duration_ms FROM presence_sessions {Final} WHERE user_id = 'alice' ORDER BY started_at_ms");
        Assert.Equal([["alice", day1, day1 + 60_000, 60_000L], ["alice", day1 + 120_000, day1 + 150_000, 30_000L]], rows);
    }

    [ContractFact]
    public async Task Replaying_batches_changes_no_documented_answer()
    {
        var store = await FilledAsync(await CreateStoreAsync());
        var before = await DocumentedAnswersAsync(store);
        var counts = await TableCountsAsync(store);

        // The whole batch again, then a tail of it, then single records: what a sink re-reads after crashes.
        var records = AnalyticsScenario.Records();
        await FilledAsync(store, records);
        await FilledAsync(store, records[(records.Count / 2)..]);
        foreach (var record in records.Where(r => r is AnalyticsReceiptRecord or AnalyticsPresenceRecord)) await FilledAsync(store, [record]);

        Assert.Equal(before, await DocumentedAnswersAsync(store));
        Assert.Equal(counts, await TableCountsAsync(store));
    }

    [ContractFact]
    public async Task A_record_twice_in_one_batch_lands_once()
    {
        var records = AnalyticsScenario.Records();
        var store = await FilledAsync(await CreateStoreAsync(), [.. records, .. records.Where(r => r is AnalyticsEventRecord or AnalyticsDeliveryRecord or AnalyticsReceiptRecord)]);
        Assert.Equal(6, await CountAsync(store, "messages"));
        Assert.Equal(21, await CountAsync(store, "deliveries"));
        Assert.Equal(4, await CountAsync(store, "receipts"));
    }

    private async Task<List<string>> TableCountsAsync(IAnalyticsStore store)
    {
        var counts = new List<string>();
        foreach (var table in new[] { "conversations", "messages", "message_changes", "deliveries", "receipts", "message_reads", "presence_sessions" })
            counts.Add($"{table}={await CountAsync(store, table)}");
        return counts;
    }

    private async Task<List<string>> DocumentedAnswersAsync(IAnalyticsStore store)
    {
        var answers = new List<string>();
        foreach (var example in AnalyticsDocExamples.For(Dialect))
            answers.Add(example.Title + ": " + string.Join(" | ", (await RowsAsync(store, example.Sql)).Select(r => string.Join(",", r))));
        return answers;
    }

    [ContractFact]
    public async Task Every_sql_example_in_the_docs_runs_and_gives_plausible_answers()
    {
        var store = await FilledAsync(await CreateStoreAsync());
        var examples = AnalyticsDocExamples.For(Dialect);
        Assert.True(examples.Count >= 5, $"docs/analytics.md has only {examples.Count} examples for {Dialect}");
        foreach (var example in examples)
        {
            var result = await store.QueryAsync(example.Sql, default);
            Assert.True(result.Rows.Count > 0, $"'{example.Title}' ({Dialect}) returned no rows");
            foreach (var row in result.Rows)
                for (var i = 0; i < row.Count; i++)
                {
                    Assert.True(row[i] is not null, $"'{example.Title}' ({Dialect}): column {result.Columns[i].Name} is null");
                    if (row[i] is long l) Assert.True(l >= 0, $"'{example.Title}' ({Dialect}): column {result.Columns[i].Name} is negative ({l})");
                    if (row[i] is double d) Assert.True(d >= 0 && !double.IsNaN(d), $"'{example.Title}' ({Dialect}): column {result.Columns[i].Name} is {d}");
                }
            example.Check?.Invoke(result);
        }
    }

    [ContractFact]
    public async Task Migrating_again_applies_nothing_and_an_upgrade_from_version_1_applies_only_the_newer_ones()
    {
        var store = await CreateUnmigratedStoreAsync();
        Assert.Equal([1], await store.MigrateAsync(1, default));
        Assert.Equal([1], await store.AppliedMigrationsAsync(default));
        await FilledAsync(store, AnalyticsScenario.Records().Where(r => r is AnalyticsEventRecord { Event.Payload: ConversationCreated or MessageSent }).ToList());

        var upgraded = await store.MigrateAsync(int.MaxValue, default);
        Assert.Equal([2], upgraded);
        Assert.Equal([1, 2], await store.AppliedMigrationsAsync(default));
        Assert.Equal(6, await CountAsync(store, "messages")); // the upgrade kept the data
        Assert.Equal(0, await CountAsync(store, "message_reads")); // and created the new tables

        Assert.Empty(await store.MigrateAsync(int.MaxValue, default));
        await store.InitializeAsync(default);
        Assert.Equal([1, 2], await store.AppliedMigrationsAsync(default));
    }

    [ContractFact]
    public async Task Two_stores_migrating_at_once_apply_each_version_once()
    {
        var first = await CreateUnmigratedStoreAsync();
        var second = await SecondStoreOnSameDatabaseAsync(first);
        await Task.WhenAll(first.InitializeAsync(default), second.InitializeAsync(default));
        Assert.Equal([1, 2], await first.AppliedMigrationsAsync(default));
        var rows = await RowsAsync(first, $"SELECT version, count(*) FROM schema_migrations {Final} GROUP BY version ORDER BY version");
        Assert.Equal([[1L, 1L], [2L, 1L]], rows);
    }

    /// <summary>Another store object on the same database (a second process, as far as the store can tell).</summary>
    protected abstract Task<IAnalyticsStore> SecondStoreOnSameDatabaseAsync(IAnalyticsStore first);

    [ContractFact]
    public async Task Queries_that_write_or_are_not_sql_are_refused_with_a_clear_error()
    {
        var store = await FilledAsync(await CreateStoreAsync());
        var write = await Assert.ThrowsAsync<AnalyticsQueryException>(() => store.QueryAsync("DELETE FROM messages", default));
        Assert.Contains("Only reading queries", write.Message);
        var drop = await Assert.ThrowsAsync<AnalyticsQueryException>(() => store.QueryAsync("SELECT 1; DROP TABLE messages", default));
        Assert.Contains("one statement", drop.Message);
        var bad = await Assert.ThrowsAsync<AnalyticsQueryException>(() => store.QueryAsync("SELECT nope FROM messages", default));
        Assert.Contains("nope", bad.Message);
        Assert.Equal(6, await CountAsync(store, "messages"));
    }
}
