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

    /// <summary>
    /// Rows written before <c>ConversationCreated.encrypted</c> and <c>MessageSent.ciphertext</c> existed (the schema
    /// as it was, i.e. without those fields) still read, with the new fields at their defaults.
    /// </summary>
    [Fact]
    public async Task Rows_written_before_the_encryption_fields_existed_still_read()
    {
        var path = _folder.Sub("legacy.db");
        var store = new SqliteHistoryStore(path);
        var c = new ChatEvents("c1");
        var events = new[] { c.Created("alice", ["alice"]), c.Sent("alice", "from the old days") };
        await store.ApplyAsync(events, [], default);

        // Re-encode the stored rows with the old schema: the current one minus the fields added for encryption (and
        // minus the issuer's receipt, which came later and is never stored).
        var current = System.Text.Json.Nodes.JsonNode.Parse(chatstreams.v1.ChatEvent._SCHEMA.ToString())!;
        current["fields"]!.AsArray().Remove(current["fields"]!.AsArray().Single(f => (string)f!["name"]! == "issuerReceipt"));
        foreach (var record in current["fields"]!.AsArray().Single(f => (string)f!["name"]! == "payload")!["type"]!.AsArray())
        {
            var fields = record!["fields"]!.AsArray();
            foreach (var added in fields.Where(f => (string)f!["name"]! is "encrypted" or "ciphertext").ToList()) fields.Remove(added);
        }
        var legacy = Avro.Schema.Parse(current.ToJsonString());
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            foreach (var e in events)
            {
                using var bytes = new MemoryStream();
                new Avro.Specific.SpecificDatumWriter<chatstreams.v1.ChatEvent>(legacy).Write(e, new Avro.IO.BinaryEncoder(bytes));
                await using var update = connection.CreateCommand();
                update.CommandText = "UPDATE events SET record = $r WHERE conversation_id = 'c1' AND seq = $s";
                update.Parameters.AddWithValue("$r", bytes.ToArray());
                update.Parameters.AddWithValue("$s", e.Seq);
                Assert.Equal(1, await update.ExecuteNonQueryAsync());
            }
        }

        var items = await store.EventsAsync("c1", "alice", 0, long.MaxValue, 10, newestFirst: false, default);
        Assert.False(Assert.IsType<chatstreams.v1.ConversationCreated>(items[0].Event.Payload).Encrypted);
        var sent = Assert.IsType<chatstreams.v1.MessageSent>(items[1].Event.Payload);
        Assert.Equal("from the old days", sent.Body);
        Assert.Null(sent.Ciphertext);
    }

    /// <summary>
    /// The issuer's receipt rides with the live event only: a row holds the event as the schema before that field
    /// existed wrote it, so rows of either version read alike and history never returns a stale receipt.
    /// </summary>
    [Fact]
    public async Task An_events_issuer_receipt_is_not_stored_and_the_row_is_what_the_schema_before_it_wrote()
    {
        var path = _folder.Sub("issuer-receipt.db");
        var store = new SqliteHistoryStore(path);
        var c = new ChatEvents("c1");
        var created = c.Created("alice", ["alice"]);
        var sent = c.Sent("alice", "hello");
        sent.IssuerReceipt = new chatstreams.v1.ReceiptUpdate
        {
            ConversationId = "c1", UserId = "alice", DeliveredSeq = sent.Seq, ReadSeq = sent.Seq, At = sent.OccurredAt, CarriedBySeq = sent.Seq,
        };
        await store.ApplyAsync([created, sent], [], default);

        var items = await store.EventsAsync("c1", "alice", 0, long.MaxValue, 10, newestFirst: false, default);
        Assert.Equal("hello", Assert.IsType<chatstreams.v1.MessageSent>(items[1].Event.Payload).Body);
        Assert.All(items, item => Assert.Null(item.Event.IssuerReceipt));

        var before = System.Text.Json.Nodes.JsonNode.Parse(chatstreams.v1.ChatEvent._SCHEMA.ToString())!;
        before["fields"]!.AsArray().Remove(before["fields"]!.AsArray().Single(f => (string)f!["name"]! == "issuerReceipt"));
        using var expected = new MemoryStream();
        sent.IssuerReceipt = null;
        new Avro.Specific.SpecificDatumWriter<chatstreams.v1.ChatEvent>(Avro.Schema.Parse(before.ToJsonString())).Write(sent, new Avro.IO.BinaryEncoder(expected));
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT record FROM events WHERE conversation_id = 'c1' AND seq = $s";
        select.Parameters.AddWithValue("$s", sent.Seq);
        Assert.Equal(expected.ToArray(), (byte[])(await select.ExecuteScalarAsync())!);
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
