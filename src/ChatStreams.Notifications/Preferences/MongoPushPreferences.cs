using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatStreams.Notifications.Preferences;

/// <summary>
/// Preferences in MongoDB (Notifications:Store=mongo, Notifications:MongoUrl) for deployments where the edges and the
/// sender share no disk: collections push_subscriptions (_id = endpoint), conversation_mutes (_id = user + conversation)
/// and push_settings (the VAPID key pair). Majority writes with journal, majority reads.
/// </summary>
public sealed class MongoPushPreferences : IPushPreferences, IVapidKeyStore, IDisposable
{
    public const string DefaultDatabaseName = "chatstreams";
    private static readonly TimeSpan DefaultServerSelectionTimeout = TimeSpan.FromSeconds(10);

    private readonly MongoClient _client;
    private readonly IMongoCollection<BsonDocument> _subscriptions, _mutes, _settings;

    public MongoPushPreferences(string mongoUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mongoUrl, "Notifications__MongoUrl");
        var url = new MongoUrl(mongoUrl);
        var settings = MongoClientSettings.FromUrl(url);
        if (!mongoUrl.Contains("serverSelectionTimeoutMS=", StringComparison.OrdinalIgnoreCase))
            settings.ServerSelectionTimeout = DefaultServerSelectionTimeout;
        _client = new MongoClient(settings);
        DatabaseName = string.IsNullOrEmpty(url.DatabaseName) ? DefaultDatabaseName : url.DatabaseName;
        var database = _client.GetDatabase(DatabaseName, new MongoDatabaseSettings
        {
            WriteConcern = WriteConcern.WMajority.With(journal: true),
            ReadConcern = ReadConcern.Majority,
            ReadPreference = ReadPreference.Primary,
        });
        _subscriptions = database.GetCollection<BsonDocument>("push_subscriptions");
        _mutes = database.GetCollection<BsonDocument>("conversation_mutes");
        _settings = database.GetCollection<BsonDocument>("push_settings");
    }

    public string DatabaseName { get; }

    public async Task InitializeAsync(CancellationToken ct)
    {
        // Creating an index that exists with the same keys is a no-op, so several processes may start at once.
        await _subscriptions.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
            Builders<BsonDocument>.IndexKeys.Ascending("userId").Descending("createdAt")), cancellationToken: ct);
        await _mutes.Indexes.CreateOneAsync(new CreateIndexModel<BsonDocument>(
            Builders<BsonDocument>.IndexKeys.Ascending("userId").Ascending("conversationId")), cancellationToken: ct);
    }

    public async Task<PushSubscription> SaveSubscriptionAsync(PushSubscription subscription, int maxPerUser, CancellationToken ct)
    {
        var document = new BsonDocument
        {
            ["_id"] = subscription.Endpoint,
            ["userId"] = subscription.UserId,
            ["p256dh"] = subscription.P256dh,
            ["auth"] = subscription.Auth,
            ["createdAt"] = new BsonDateTime(subscription.CreatedAt.UtcDateTime),
        };
        await _subscriptions.ReplaceOneAsync(Builders<BsonDocument>.Filter.Eq("_id", subscription.Endpoint), document,
            new ReplaceOptions { IsUpsert = true }, ct);
        var beyond = await _subscriptions.Find(Builders<BsonDocument>.Filter.Eq("userId", subscription.UserId))
            .Sort(Builders<BsonDocument>.Sort.Descending("createdAt").Ascending("_id")).Skip(maxPerUser)
            .Project(Builders<BsonDocument>.Projection.Include("_id")).ToListAsync(ct);
        if (beyond.Count > 0)
            await _subscriptions.DeleteManyAsync(Builders<BsonDocument>.Filter.And(
                Builders<BsonDocument>.Filter.Eq("userId", subscription.UserId),
                Builders<BsonDocument>.Filter.In("_id", beyond.Select(d => d["_id"]))), ct);
        return subscription;
    }

    public async Task<bool> RemoveSubscriptionAsync(string userId, string endpoint, CancellationToken ct) =>
        (await _subscriptions.DeleteOneAsync(Builders<BsonDocument>.Filter.And(
            Builders<BsonDocument>.Filter.Eq("_id", endpoint), Builders<BsonDocument>.Filter.Eq("userId", userId)), ct)).DeletedCount > 0;

    public async Task<IReadOnlyList<PushSubscription>> SubscriptionsOfAsync(string userId, CancellationToken ct)
    {
        var documents = await _subscriptions.Find(Builders<BsonDocument>.Filter.Eq("userId", userId))
            .Sort(Builders<BsonDocument>.Sort.Ascending("createdAt").Ascending("_id")).ToListAsync(ct);
        return documents.Select(d => new PushSubscription(userId, d["_id"].AsString, d["p256dh"].AsString, d["auth"].AsString,
            new DateTimeOffset(d["createdAt"].ToUniversalTime(), TimeSpan.Zero))).ToList();
    }

    public async Task MuteAsync(ConversationMute mute, CancellationToken ct)
    {
        var document = new BsonDocument
        {
            ["_id"] = MuteId(mute.UserId, mute.ConversationId),
            ["userId"] = mute.UserId,
            ["conversationId"] = mute.ConversationId,
            ["until"] = mute.Until is { } until ? new BsonDateTime(until.UtcDateTime) : BsonNull.Value,
        };
        await _mutes.ReplaceOneAsync(Builders<BsonDocument>.Filter.Eq("_id", document["_id"]), document, new ReplaceOptions { IsUpsert = true }, ct);
    }

    public async Task<bool> UnmuteAsync(string userId, string conversationId, CancellationToken ct) =>
        (await _mutes.DeleteOneAsync(Builders<BsonDocument>.Filter.Eq("_id", MuteId(userId, conversationId)), ct)).DeletedCount > 0;

    public async Task<IReadOnlyList<ConversationMute>> MutesOfAsync(string userId, DateTimeOffset now, CancellationToken ct)
    {
        var f = Builders<BsonDocument>.Filter;
        var documents = await _mutes.Find(f.And(f.Eq("userId", userId), f.Or(f.Eq("until", BsonNull.Value), f.Gt("until", new BsonDateTime(now.UtcDateTime)))))
            .Sort(Builders<BsonDocument>.Sort.Ascending("conversationId")).ToListAsync(ct);
        return documents.Select(d => new ConversationMute(userId, d["conversationId"].AsString,
            d["until"].IsBsonNull ? null : new DateTimeOffset(d["until"].ToUniversalTime(), TimeSpan.Zero))).ToList();
    }

    public async Task<(string PublicKey, string PrivateKey)> GetOrAddVapidKeysAsync(string publicKey, string privateKey, CancellationToken ct)
    {
        var id = Builders<BsonDocument>.Filter.Eq("_id", "vapid");
        // $setOnInsert: the first writer's pair stays; an upsert race ends in a duplicate key for the loser, who then reads.
        try
        {
            await _settings.UpdateOneAsync(id, Builders<BsonDocument>.Update.SetOnInsert("publicKey", publicKey).SetOnInsert("privateKey", privateKey),
                new UpdateOptions { IsUpsert = true }, ct);
        }
        catch (MongoWriteException e) when (e.WriteError.Category == ServerErrorCategory.DuplicateKey) { }
        var stored = await _settings.Find(id).SingleAsync(ct);
        return (stored["publicKey"].AsString, stored["privateKey"].AsString);
    }

    // The separator cannot appear in ids: user and conversation ids are printable.
    private static string MuteId(string userId, string conversationId) => $"{userId}\n{conversationId}";

    public void Dispose() => _client.Dispose();
}
