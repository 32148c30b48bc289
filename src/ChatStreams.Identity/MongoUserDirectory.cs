using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatStreams.Identity;

/// <summary>
/// Accounts in a MongoDB collection that every edge in a cluster shares (a SQLite file cannot be shared across
/// machines). The unique index on the lower-cased username decides races for a name between edges, exactly as the
/// SQLite index does between processes.
/// </summary>
public sealed class MongoUserDirectory : IUserDirectory, IDisposable
{
    public const string DefaultDatabaseName = "chatstreams";
    public const string CollectionName = "users";
    public const int MaxSearchResults = SqliteUserDirectory.MaxSearchResults;

    /// <summary>How long an operation waits for a usable server; the driver's 30 s default hides an outage for too long.</summary>
    public static readonly TimeSpan DefaultServerSelectionTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    // Server error codes a concurrent first start can produce while creating the collection and its index.
    private const int NamespaceExists = 48;
    private const int WriteConflict = 112;

    private static readonly FilterDefinitionBuilder<MongoUserDocument> Filter = Builders<MongoUserDocument>.Filter;

    // Profiles never carry the hash over the wire.
    private static readonly ProjectionDefinition<MongoUserDocument> ProfileFields = Builders<MongoUserDocument>.Projection
        .Include(MongoUserDocument.UsernameField)
        .Include(MongoUserDocument.DisplayNameField);

    private readonly MongoClient _client;
    private readonly IMongoCollection<MongoUserDocument> _users;
    private readonly ILogger _logger;
    private readonly OneTimeSetup _setup;

    public MongoUserDirectory(IOptions<IdentityOptions> options, ILogger<MongoUserDirectory>? logger = null)
    {
        var text = options.Value.MongoUrl;
        ArgumentException.ThrowIfNullOrWhiteSpace(text, "Auth__MongoUrl");
        _logger = logger ?? NullLogger<MongoUserDirectory>.Instance;

        var url = new MongoUrl(text);
        DatabaseName = string.IsNullOrEmpty(url.DatabaseName) ? DefaultDatabaseName : url.DatabaseName;
        Location = MongoUrlText.Describe(url, DatabaseName);

        var settings = MongoClientSettings.FromUrl(url);
        // Only replace the driver's defaults; a timeout written in the URL is the operator's choice.
        if (!HasOption(text, "serverSelectionTimeoutMS"))
        {
            settings.ServerSelectionTimeout = DefaultServerSelectionTimeout;
        }

        if (!HasOption(text, "connectTimeoutMS"))
        {
            settings.ConnectTimeout = DefaultConnectTimeout;
        }

        // Constructing the client only starts background monitoring; nothing here waits for a server.
        _client = new MongoClient(settings);
        _users = _client.GetDatabase(DatabaseName).GetCollection<MongoUserDocument>(CollectionName);
        _setup = new OneTimeSetup(CreateUsernameIndexAsync);
    }

    /// <summary>Where the accounts live, without the password or URL options, for logs and diagnostics.</summary>
    public string Location { get; }

    public string DatabaseName { get; }

    /// <summary>The accounts' database, shared with the key directory so both use one client and its connections.</summary>
    internal IMongoDatabase Database => _client.GetDatabase(DatabaseName);

    /// <summary>How long an operation waits for a usable server before failing (10 s unless the URL says otherwise).</summary>
    public TimeSpan ServerSelectionTimeout => _client.Settings.ServerSelectionTimeout;

    /// <summary>
    /// Creates the unique username index if missing. Idempotent, and safe from several edges at once: creating an
    /// index that already exists with the same keys and options is a no-op on the server.
    /// </summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => _setup.RunAsync(cancellationToken);

    public async Task<UserAccount?> TryRegisterAsync(UserAccount account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var document = MongoUserDocument.From(account);
        try
        {
            await _users.InsertOneAsync(document, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (MongoWriteException e) when (IsUsernameClash(e))
        {
            return null;
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            LogFailure(e, "register an account");
            throw;
        }

        // BSON dates keep milliseconds; answer with what a later look-up returns, so both compare equal.
        return document.ToAccount();
    }

    public Task<UserAccount?> FindByUsernameAsync(string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        return FindOneAsync(
            Filter.Eq(d => d.UsernameNormalized, UserAccount.NormalizeUsername(username)), "find an account by username", cancellationToken);
    }

    public Task<UserAccount?> FindByIdAsync(string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return FindOneAsync(Filter.Eq(d => d.UserId, userId), "find an account by id", cancellationToken);
    }

    public async Task<IReadOnlyList<UserProfile>> SearchAsync(string query, int limit, CancellationToken cancellationToken = default)
    {
        var needle = (query ?? "").Trim().ToLowerInvariant();
        if (needle.Length == 0 || limit <= 0)
        {
            return [];
        }

        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        // The stored lower-cased forms make the match case-insensitive the same way SQLite's does; escaping keeps
        // '.', '*', '(' and friends literal.
        var contains = new BsonRegularExpression(Regex.Escape(needle));
        // $literal: a query starting with '$' would otherwise be read as a field path.
        var literal = new BsonDocument("$literal", needle);
        var pipeline = PipelineDefinition<MongoUserDocument, BsonDocument>.Create(
            new BsonDocument("$match", new BsonDocument("$or", new BsonArray
            {
                new BsonDocument(MongoUserDocument.UsernameNormalizedField, contains),
                new BsonDocument(MongoUserDocument.DisplayNameNormalizedField, contains),
            })),
            new BsonDocument("$project", new BsonDocument
            {
                { MongoUserDocument.UsernameField, 1 },
                { MongoUserDocument.DisplayNameField, 1 },
                { MongoUserDocument.UsernameNormalizedField, 1 },
                { "rank", Rank(literal) },
            }),
            new BsonDocument("$sort", new BsonDocument { { "rank", 1 }, { MongoUserDocument.UsernameNormalizedField, 1 } }),
            new BsonDocument("$limit", Math.Min(limit, MaxSearchResults)));

        try
        {
            var found = await (await _users.AggregateAsync(pipeline, cancellationToken: cancellationToken).ConfigureAwait(false))
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return found
                .Select(d => new UserProfile(
                    d["_id"].AsString, d[MongoUserDocument.UsernameField].AsString, d[MongoUserDocument.DisplayNameField].AsString))
                .ToList();
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            LogFailure(e, "search accounts");
            throw;
        }
    }

    public async Task<IReadOnlyDictionary<string, UserProfile>> GetProfilesAsync(
        IEnumerable<string> userIds, CancellationToken cancellationToken = default)
    {
        var lookup = new ProfileLookup(userIds);
        if (lookup.IsEmpty)
        {
            return lookup.Found;
        }

        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var batch in lookup.Batches)
            {
                var found = await _users.Find(Filter.In(d => d.UserId, batch))
                    .Project<MongoUserDocument>(ProfileFields)
                    .ToListAsync(cancellationToken).ConfigureAwait(false);
                foreach (var document in found)
                {
                    lookup.Add(document.ToProfile());
                }
            }
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            LogFailure(e, "load profiles");
            throw;
        }

        return lookup.Found;
    }

    public async Task<bool> UpdatePasswordHashAsync(string userId, string passwordHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await _users.UpdateOneAsync(
                Filter.Eq(d => d.UserId, userId),
                Builders<MongoUserDocument>.Update.Set(d => d.PasswordHash, passwordHash),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            // Matched, not modified: storing the same hash again still means the account exists.
            return result.MatchedCount == 1;
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            LogFailure(e, "update a password hash");
            throw;
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _setup.Dispose();
    }

    private async Task CreateUsernameIndexAsync(CancellationToken cancellationToken)
    {
        var index = new CreateIndexModel<MongoUserDocument>(
            Builders<MongoUserDocument>.IndexKeys.Ascending(MongoUserDocument.UsernameNormalizedField),
            new CreateIndexOptions { Unique = true });
        try
        {
            await CreateIndexAsync(index, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            var message =
                $"Cannot prepare the accounts collection '{CollectionName}' in MongoDB at {Location}: {Summary(e.Message)} " +
                "Check Auth__MongoUrl (hosts, credentials, database) and that the server is reachable from this machine.";
            _logger.LogError(e, "{Problem}", message);
            throw new InvalidOperationException(message, e);
        }

        _logger.LogInformation("Accounts are stored in MongoDB at {MongoLocation}, collection {Collection}", Location, CollectionName);
    }

    private async Task CreateIndexAsync(CreateIndexModel<MongoUserDocument> index, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _users.Indexes.CreateOneAsync(index, cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (MongoCommandException e) when (attempt < 3 && e.Code is NamespaceExists or WriteConflict)
            {
                // Edges starting together may all create the missing collection; the losers simply try again.
                _logger.LogDebug("Retrying creation of the username index after {Error}", e.CodeName);
            }
        }
    }

    private async Task<UserAccount?> FindOneAsync(
        FilterDefinition<MongoUserDocument> filter, string operation, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var document = await _users.Find(filter).Limit(1).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return document?.ToAccount();
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            LogFailure(e, operation);
            throw;
        }
    }

    /// <summary>0 exact username, 1 username prefix, 2 display-name prefix, 3 any other match: the SQLite order.</summary>
    private static BsonDocument Rank(BsonDocument needle)
    {
        static BsonDocument StartsWith(string field, BsonDocument value) =>
            new("$eq", new BsonArray { new BsonDocument("$indexOfCP", new BsonArray { "$" + field, value }), 0 });

        return new BsonDocument("$switch", new BsonDocument
        {
            {
                "branches", new BsonArray
                {
                    Branch(new BsonDocument("$eq", new BsonArray { "$" + MongoUserDocument.UsernameNormalizedField, needle }), 0),
                    Branch(StartsWith(MongoUserDocument.UsernameNormalizedField, needle), 1),
                    Branch(StartsWith(MongoUserDocument.DisplayNameNormalizedField, needle), 2),
                }
            },
            { "default", 3 },
        });

        static BsonDocument Branch(BsonDocument condition, int rank) => new() { { "case", condition }, { "then", rank } };
    }

    /// <summary>Only a clash on the username means "taken"; a clash on the id (or anything else) is a bug and must surface.</summary>
    private static bool IsUsernameClash(MongoWriteException e) =>
        e.WriteError?.Category == ServerErrorCategory.DuplicateKey
        && e.WriteError.Message.Contains(MongoUserDocument.UsernameNormalizedField, StringComparison.Ordinal);

    private void LogFailure(Exception e, string operation) =>
        _logger.LogError(e, "Could not {Operation} in MongoDB at {MongoLocation}: {Reason}", operation, Location, Summary(e.Message));

    // Server-selection timeouts append the whole cluster state; the first sentence is what an operator needs.
    private static string Summary(string message)
    {
        var end = message.IndexOf(" Client view of cluster state", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    private static bool HasOption(string url, string option) =>
        url.Contains(option + "=", StringComparison.OrdinalIgnoreCase);
}
