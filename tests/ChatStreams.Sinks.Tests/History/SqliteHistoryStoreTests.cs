using ChatStreams.TestSupport;
using ChatStreams.Sinks.History;
using ChatStreams.Sinks.History.Sqlite;
using ChatStreams.Sinks.Tests.Support;
using ChatStreams.Sinks.Tests.History;
using Microsoft.Data.Sqlite;

namespace ChatStreams.Sinks.Tests.History;

public sealed class SqliteHistoryStoreTests : HistoryStoreContract, IDisposable
{
    private readonly TempDirectory _folder = StoreFolder.New("history-store");
    private int _stores;

    protected override async Task<IHistoryStore> CreateStoreAsync()
    {
        var store = new SqliteHistoryStore(_folder.Sub($"nested/history-{++_stores}.db"));
        await store.InitializeAsync(default);
        return store;
    }

    [Fact]
    public async Task The_file_is_in_wal_mode_and_a_second_store_on_it_sees_the_same_history()
    {
        var path = _folder.Sub("shared.db");
        var writer = new SqliteHistoryStore(path);
        var c = new ChatEvents("c1");
        await writer.ApplyAsync([c.Created("alice", ["alice"]), c.Sent("alice", "persisted")], [], default);

        var reader = new SqliteHistoryStore(path);
        await reader.InitializeAsync(default); // schema creation again is harmless
        Assert.Equal(2, await reader.HeadAsync("c1", default));
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_deleted_message_text_is_nowhere_in_the_stored_records()
    {
        var path = _folder.Sub("redacted.db");
        var store = new SqliteHistoryStore(path);
        var c = new ChatEvents("c1");
        await store.ApplyAsync([c.Created("alice", ["alice"]), c.Sent("alice", "hunter2"), c.Edited("alice", 2, "hunter3"), c.Deleted("alice", 2)], [], default);

        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM events WHERE instr(record, CAST('hunter' AS BLOB)) > 0 UNION ALL SELECT count(*) FROM messages WHERE body LIKE '%hunter%'";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) Assert.Equal(0, reader.GetInt64(0));
    }

    public void Dispose() => _folder.Dispose();
}
