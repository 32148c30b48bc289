using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MongoDB.Bson;
using MongoDB.Driver;
using static ChatStreams.Sinks.History.Mongo.MongoHistorySchema;

namespace ChatStreams.Sinks.History.Mongo;

/// <summary>
/// The history in MongoDB, shared by the sink and every edge of a cluster. Writes wait for a journaled majority: the
/// sink commits its Kafka offsets right after a batch, so the batch must survive a primary failing over. Reads use
/// majority read concern so an edge never serves history that a failover could take back.
/// </summary>
public sealed partial class MongoHistoryStore : IHistoryStore, IDisposable
{
    public const string DefaultDatabaseName = "chatstreams";

    /// <summary>How long an operation waits for a usable server; the driver's 30 s default hides an outage for too long.</summary>
    public static readonly TimeSpan DefaultServerSelectionTimeout = TimeSpan.FromSeconds(10);

    private readonly MongoClient _client;
    private readonly IMongoCollection<BsonDocument> _events, _conversations, _messages, _memberships, _readState;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _setup = new(1, 1);
    private volatile bool _initialized;

    public MongoHistoryStore(string mongoUrl, ILogger<MongoHistoryStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mongoUrl, "History__MongoUrl");
        _logger = logger ?? NullLogger<MongoHistoryStore>.Instance;
        var url = new MongoUrl(mongoUrl);
        DatabaseName = string.IsNullOrEmpty(url.DatabaseName) ? DefaultDatabaseName : url.DatabaseName;
        Location = Describe(url, DatabaseName);
        var settings = MongoClientSettings.FromUrl(url);
        // Only replace the driver's default; a timeout written in the URL is the operator's choice.
        if (!mongoUrl.Contains("serverSelectionTimeoutMS=", StringComparison.OrdinalIgnoreCase))
            settings.ServerSelectionTimeout = DefaultServerSelectionTimeout;
        // Constructing the client only starts background monitoring; nothing here waits for a server.
        _client = new MongoClient(settings);
        var database = _client.GetDatabase(DatabaseName, new MongoDatabaseSettings
        {
            WriteConcern = WriteConcern.WMajority.With(journal: true),
            ReadConcern = ReadConcern.Majority,
            ReadPreference = ReadPreference.Primary,
        });
        _events = database.GetCollection<BsonDocument>(Events);
        _conversations = database.GetCollection<BsonDocument>(Conversations);
        _messages = database.GetCollection<BsonDocument>(Messages);
        _memberships = database.GetCollection<BsonDocument>(Memberships);
        _readState = database.GetCollection<BsonDocument>(ReadState);
    }

    public string DatabaseName { get; }

    /// <summary>Where the history lives, without the password or URL options, for logs.</summary>
    public string Location { get; }

    /// <summary>
    /// Creates the indexes if missing. Creating an index that exists with the same keys and options is a no-op on the
    /// server, so several processes may start at once.
    /// </summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        if (_initialized) return;
        await _setup.WaitAsync(ct);
        try
        {
            if (_initialized) return;
            await CreateIndexesAsync(ct);
            _initialized = true;
            _logger.LogInformation("History store ready at {Location} (MongoDB).", Location);
        }
        finally { _setup.Release(); }
    }

    private async Task CreateIndexesAsync(CancellationToken ct)
    {
        await _events.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(new BsonDocument { { ConversationId, 1 }, { Seq, 1 } }, new CreateIndexOptions { Unique = true, Name = "conversation_seq" }),
            // The edits of a message, found when it is deleted to take their text out.
            new CreateIndexModel<BsonDocument>(new BsonDocument { { ConversationId, 1 }, { TargetSeq, 1 } },
                new CreateIndexOptions<BsonDocument> { Name = "conversation_target", PartialFilterExpression = new BsonDocument(TargetSeq, new BsonDocument("$exists", true)) }),
        ], ct);
        await _messages.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(new BsonDocument { { ConversationId, 1 }, { Seq, 1 } }, new CreateIndexOptions { Unique = true, Name = "conversation_seq" }), cancellationToken: ct);
        await _memberships.Indexes.CreateManyAsync(
        [
            new CreateIndexModel<BsonDocument>(new BsonDocument { { ConversationId, 1 }, { UserId, 1 }, { FromSeq, 1 } }, new CreateIndexOptions { Unique = true, Name = "conversation_user_join" }),
            new CreateIndexModel<BsonDocument>(new BsonDocument { { UserId, 1 }, { ToSeq, 1 } }, new CreateIndexOptions { Name = "user_open" }),
        ], ct);
        await _readState.Indexes.CreateOneAsync(
            new CreateIndexModel<BsonDocument>(new BsonDocument { { ConversationId, 1 }, { UserId, 1 } }, new CreateIndexOptions { Unique = true, Name = "conversation_user" }), cancellationToken: ct);
    }

    private async Task EnsureInitializedAsync(CancellationToken ct)
    {
        if (!_initialized) await InitializeAsync(ct);
    }

    private static string Describe(MongoUrl url, string databaseName)
    {
        var srv = url.Scheme == MongoDB.Driver.Core.Configuration.ConnectionStringScheme.MongoDBPlusSrv;
        var user = string.IsNullOrEmpty(url.Username) ? "" : url.Username + "@";
        var hosts = srv ? url.Server.Host : string.Join(",", url.Servers.Select(server => server.ToString()));
        return $"{(srv ? "mongodb+srv" : "mongodb")}://{user}{hosts}/{databaseName}";
    }

    private static BsonDateTime ToBson(DateTime at) => new(Sqlite.SqliteHistoryStore.ToUnixMs(at));

    private static DateTime FromBson(BsonValue at) => Sqlite.SqliteHistoryStore.FromUnixMs(at.AsBsonDateTime.MillisecondsSinceEpoch);

    public void Dispose()
    {
        _client.Dispose();
        _setup.Dispose();
    }
}
