using ChatStreams.TestSupport;
using ChatStreams.Sinks.History;
using ChatStreams.Sinks.History.Mongo;
using ChatStreams.Sinks.Tests.Support;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatStreams.Sinks.Tests.History;

/// <summary>
/// The <see cref="HistoryStoreContract"/> against a real MongoDB (set CHATSTREAMS_MONGO_URL), every store in a
/// database of its own that is dropped afterwards, plus what is particular to MongoDB: the indexes and the redaction
/// of the stored records.
/// </summary>
[NeedsMongo]
public sealed class MongoHistoryStoreTests : HistoryStoreContract, IAsyncLifetime
{
    // Created per test, and only when the test is not skipped: xunit constructs no instance for a skipped test.
    private readonly MongoTestDatabases _databases = new();
    private readonly List<MongoHistoryStore> _stores = [];

    protected override async Task<IHistoryStore> CreateStoreAsync() => await OpenAsync(_databases.Create().Url);

    private async Task<MongoHistoryStore> OpenAsync(string url)
    {
        var store = new MongoHistoryStore(url);
        _stores.Add(store);
        await store.InitializeAsync(default);
        return store;
    }

    [MongoFact]
    public async Task Initializing_again_and_from_a_second_store_is_harmless_and_both_see_the_same_history()
    {
        var (_, url) = _databases.Create();
        var writer = await OpenAsync(url);
        var c = new ChatEvents("c1");
        await writer.ApplyAsync([c.Created("alice", ["alice"]), c.Sent("alice", "persisted")], [], default);

        var reader = new MongoHistoryStore(url);
        _stores.Add(reader);
        await Task.WhenAll(reader.InitializeAsync(default), writer.InitializeAsync(default));
        Assert.Equal(2, await reader.HeadAsync("c1", default));
    }

    [MongoFact]
    public async Task Events_have_a_unique_index_on_conversation_and_seq()
    {
        var (name, url) = _databases.Create();
        await OpenAsync(url);

        var indexes = await (await _databases.Client.GetDatabase(name).GetCollection<BsonDocument>("history_events").Indexes.ListAsync()).ToListAsync();
        var key = Assert.Single(indexes, i => i["key"].AsBsonDocument == new BsonDocument { { "conversationId", 1 }, { "seq", 1 } });
        Assert.True(key.GetValue("unique", false).ToBoolean());
    }

    [MongoFact]
    public async Task A_deleted_message_text_is_nowhere_in_the_stored_documents()
    {
        var (name, url) = _databases.Create();
        var store = await OpenAsync(url);
        var c = new ChatEvents("c1");
        await store.ApplyAsync([c.Created("alice", ["alice"]), c.Sent("alice", "hunter2"), c.Edited("alice", 2, "hunter3"), c.Deleted("alice", 2)], [], default);

        var database = _databases.Client.GetDatabase(name);
        var events = await database.GetCollection<BsonDocument>("history_events").Find(FilterDefinition<BsonDocument>.Empty).ToListAsync();
        Assert.Equal(4, events.Count);
        Assert.DoesNotContain(events, e => System.Text.Encoding.UTF8.GetString(e["record"].AsByteArray).Contains("hunter", StringComparison.Ordinal));
        var messages = await database.GetCollection<BsonDocument>("history_messages").Find(FilterDefinition<BsonDocument>.Empty).ToListAsync();
        Assert.DoesNotContain(messages, m => m.ToJson().Contains("hunter", StringComparison.Ordinal));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores) store.Dispose();
        await _databases.DisposeAsync();
    }
}
