using ChatStreams.TestSupport;
using ChatStreams.Sinks.History;
using ChatStreams.Sinks.History.Mongo;
using ChatStreams.Sinks.History.Sqlite;
using ChatStreams.Sinks.Tests.Support;

namespace ChatStreams.Sinks.Tests.History;

/// <summary>History__Store picks the store and bad settings are named; none of this needs a server.</summary>
public sealed class HistoryStoreSelectionTests : IDisposable
{
    private readonly TempDirectory _folder = StoreFolder.New("history-selection");

    [Fact]
    public void The_default_is_the_sqlite_file()
    {
        var options = new HistoryStoreOptions { SqlitePath = _folder.Sub("history.db") };

        var store = Assert.IsType<SqliteHistoryStore>(HistoryStores.Open(options));
        Assert.Equal(_folder.Sub("history.db"), store.DatabasePath);
        Assert.Equal(_folder.Sub("history.db"), HistoryStores.Describe(store));
    }

    [Theory]
    [InlineData("mongo")]
    [InlineData(" Mongo ")]
    public void Mongo_opens_the_mongodb_store_on_the_url_database_without_touching_a_server(string name)
    {
        var options = new HistoryStoreOptions { Store = name, MongoUrl = "mongodb://sink:s3cret@127.0.0.1:1,127.0.0.1:2/history?replicaSet=rs0" };

        using var store = Assert.IsType<MongoHistoryStore>(HistoryStores.Open(options));
        Assert.Equal("history", store.DatabaseName);
        Assert.Equal("mongodb://sink@127.0.0.1:1,127.0.0.1:2/history", HistoryStores.Describe(store)); // no password, no options
    }

    [Fact]
    public void A_mongo_url_without_a_database_uses_chatstreams()
    {
        using var store = new MongoHistoryStore("mongodb://127.0.0.1:1");
        Assert.Equal(MongoHistoryStore.DefaultDatabaseName, store.DatabaseName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Mongo_without_a_url_names_History__MongoUrl(string? url)
    {
        var failure = Assert.Throws<InvalidOperationException>(() => HistoryStores.Open(new HistoryStoreOptions { Store = "mongo", MongoUrl = url }));
        Assert.Equal(
            "History__MongoUrl is required when History__Store is 'mongo': give the MongoDB connection string " +
            "(for example mongodb://user:password@mongo:27017/chatstreams).", failure.Message);
    }

    [Fact]
    public void A_malformed_mongo_url_is_named_without_its_password()
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            HistoryStores.Open(new HistoryStoreOptions { Store = "mongo", MongoUrl = "http://user:hunter2@host/db" }));
        Assert.StartsWith("History__MongoUrl is not a valid MongoDB connection string: ", failure.Message);
        Assert.EndsWith("Use the form mongodb://[user:password@]host[:port][,host2...]/[database][?options].", failure.Message);
        Assert.DoesNotContain("hunter2", failure.Message);
    }

    [Fact]
    public void An_unknown_store_lists_the_known_ones()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => HistoryStores.Open(new HistoryStoreOptions { Store = "postgres" }));
        Assert.Equal(
            "History__Store 'postgres' is unknown; use 'sqlite' (history in a local file, the default) or 'mongo' (history in MongoDB at History__MongoUrl).",
            failure.Message);
    }

    [Fact]
    public void Sqlite_without_a_path_names_History__SqlitePath()
    {
        var result = new HistoryStoreOptionsValidator().Validate(null, new HistoryStoreOptions { SqlitePath = " " });
        Assert.Equal(["History__SqlitePath must name the SQLite file that holds the history (for example data/history.db)."], result.Failures);
    }

    [Fact]
    public void The_mongo_contract_is_skipped_with_how_to_run_it_when_no_server_is_configured()
    {
        Assert.Equal(
            "needs a MongoDB server: set CHATSTREAMS_MONGO_URL=mongodb://host:27017 (for example mongodb://127.0.0.1:27017) to run",
            MongoFactAttribute.SkipReason(null));
        Assert.Null(MongoFactAttribute.SkipReason("mongodb://127.0.0.1:27017"));
    }

    public void Dispose() => _folder.Dispose();
}
