using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatStreams.Media.Catalog;

/// <summary>
/// The catalog in MongoDB collection <c>media</c> (edges on many machines cannot share a SQLite file); the media id is
/// the document id, so no index beyond _id is needed.
/// </summary>
public sealed class MongoMediaCatalog : IMediaCatalog
{
    public const string DefaultDatabaseName = "chatstreams";
    public const string CollectionName = "media";

    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private readonly IMongoCollection<BsonDocument> _media;

    public MongoMediaCatalog(string mongoUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mongoUrl, "Media__MongoUrl");
        var url = new MongoUrl(mongoUrl);
        var settings = MongoClientSettings.FromUrl(url);
        // The driver's 30 s default hides an outage for too long; a timeout written in the URL is the operator's choice.
        if (!mongoUrl.Contains("serverSelectionTimeoutMS", StringComparison.OrdinalIgnoreCase)) settings.ServerSelectionTimeout = TimeSpan.FromSeconds(10);
        var database = string.IsNullOrEmpty(url.DatabaseName) ? DefaultDatabaseName : url.DatabaseName;
        _media = new MongoClient(settings).GetDatabase(database).GetCollection<BsonDocument>(CollectionName);
    }

    /// <summary>Nothing to create: documents are found by _id, which MongoDB always indexes.</summary>
    public Task InitializeAsync(CancellationToken ct) => Task.CompletedTask;

    public Task AddAsync(MediaRecord record, CancellationToken ct) => _media.InsertOneAsync(new BsonDocument
    {
        ["_id"] = record.MediaId,
        ["ownerId"] = record.OwnerId,
        ["conversationId"] = record.ConversationId,
        ["fileName"] = record.FileName,
        ["contentType"] = record.ContentType,
        ["size"] = record.Size,
        ["createdAt"] = record.CreatedAt.UtcDateTime,
        ["uploadedAt"] = record.UploadedAt is { } uploaded ? uploaded.UtcDateTime : BsonNull.Value,
    }, cancellationToken: ct);

    public async Task<MediaRecord?> FindAsync(string mediaId, CancellationToken ct)
    {
        var document = await _media.Find(Filter.Eq("_id", mediaId)).FirstOrDefaultAsync(ct).ConfigureAwait(false);
        if (document is null) return null;
        var uploaded = document.GetValue("uploadedAt", BsonNull.Value);
        return new MediaRecord(document["_id"].AsString, document["ownerId"].AsString, document["conversationId"].AsString,
            document["fileName"].AsString, document["contentType"].AsString, document["size"].ToInt64(),
            new DateTimeOffset(document["createdAt"].ToUniversalTime()),
            uploaded.IsBsonNull ? null : new DateTimeOffset(uploaded.ToUniversalTime()));
    }

    public async Task<bool> MarkUploadedAsync(string mediaId, DateTimeOffset uploadedAt, CancellationToken ct)
    {
        // Only a record without a time gets one, so the first confirmation's time stays.
        var result = await _media.UpdateOneAsync(Filter.And(Filter.Eq("_id", mediaId), Filter.Eq("uploadedAt", BsonNull.Value)),
            Builders<BsonDocument>.Update.Set("uploadedAt", uploadedAt.UtcDateTime), cancellationToken: ct).ConfigureAwait(false);
        if (result.MatchedCount == 1) return true;
        return await _media.CountDocumentsAsync(Filter.Eq("_id", mediaId), cancellationToken: ct).ConfigureAwait(false) == 1;
    }
}
