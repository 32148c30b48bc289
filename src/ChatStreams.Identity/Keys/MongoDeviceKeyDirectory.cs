using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatStreams.Identity.Keys;

/// <summary>
/// The key directory in the accounts' MongoDB database: collection <c>device_keys</c> (one document per device) and
/// <c>one_time_prekeys</c> (one document per prekey). A claim is one <c>findOneAndDelete</c>, which MongoDB runs
/// atomically on a document, so no prekey is ever handed out twice, whichever edges claim at once.
/// </summary>
public sealed class MongoDeviceKeyDirectory(MongoUserDirectory users) : IDeviceKeyDirectory
{
    public const string DevicesCollection = "device_keys";
    public const string PrekeysCollection = "one_time_prekeys";

    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;
    private readonly IMongoCollection<BsonDocument> _devices = users.Database.GetCollection<BsonDocument>(DevicesCollection);
    private readonly IMongoCollection<BsonDocument> _prekeys = users.Database.GetCollection<BsonDocument>(PrekeysCollection);

    public async Task<int> PublishAsync(DeviceKeyUpload upload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var identity = upload.Identity;
        var stored = await FindIdentityAsync(identity.UserId, identity.DeviceId, cancellationToken).ConfigureAwait(false);
        if (stored is not null && !stored.SameKeysAs(identity))
            await _prekeys.DeleteManyAsync(DeviceFilter(identity.UserId, identity.DeviceId), cancellationToken).ConfigureAwait(false);

        var document = new BsonDocument
        {
            ["_id"] = DeviceKey(identity.UserId, identity.DeviceId),
            ["userId"] = identity.UserId,
            ["deviceId"] = identity.DeviceId,
            ["identityKey"] = new BsonBinaryData(identity.IdentityKey),
            ["identityDhKey"] = new BsonBinaryData(identity.IdentityDhKey),
            ["identityDhSignature"] = new BsonBinaryData(identity.IdentityDhSignature),
            ["signedPrekeyId"] = upload.SignedPrekey.KeyId,
            ["signedPrekey"] = new BsonBinaryData(upload.SignedPrekey.PublicKey),
            ["signedPrekeySignature"] = new BsonBinaryData(upload.SignedPrekey.Signature),
            ["updatedAt"] = identity.UpdatedAt.UtcDateTime,
        };
        await _devices.ReplaceOneAsync(Filter.Eq("_id", document["_id"]), document, new ReplaceOptions { IsUpsert = true }, cancellationToken).ConfigureAwait(false);
        await InsertPrekeysAsync(identity.UserId, identity.DeviceId, upload.OneTimePrekeys, cancellationToken).ConfigureAwait(false);
        return (int)await _prekeys.CountDocumentsAsync(DeviceFilter(identity.UserId, identity.DeviceId), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<int?> AddOneTimePrekeysAsync(string userId, string deviceId, IReadOnlyList<OneTimePrekey> prekeys, CancellationToken cancellationToken = default)
    {
        if (await FindIdentityAsync(userId, deviceId, cancellationToken).ConfigureAwait(false) is null) return null;
        await InsertPrekeysAsync(userId, deviceId, prekeys, cancellationToken).ConfigureAwait(false);
        return (int)await _prekeys.CountDocumentsAsync(DeviceFilter(userId, deviceId), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<int?> CountOneTimePrekeysAsync(string userId, string deviceId, CancellationToken cancellationToken = default)
    {
        if (await FindIdentityAsync(userId, deviceId, cancellationToken).ConfigureAwait(false) is null) return null;
        return (int)await _prekeys.CountDocumentsAsync(DeviceFilter(userId, deviceId), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<DeviceIdentity>> ListDevicesAsync(string userId, CancellationToken cancellationToken = default)
    {
        var documents = await _devices.Find(Filter.Eq("userId", userId)).Sort(Builders<BsonDocument>.Sort.Ascending("deviceId"))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return documents.Select(ReadIdentity).ToList();
    }

    public async Task<PrekeyBundle?> ClaimBundleAsync(string userId, string deviceId, CancellationToken cancellationToken = default)
    {
        var claimed = await _prekeys.FindOneAndDeleteAsync(DeviceFilter(userId, deviceId),
            new FindOneAndDeleteOptions<BsonDocument> { Sort = Builders<BsonDocument>.Sort.Ascending("keyId") }, cancellationToken).ConfigureAwait(false);
        var device = await _devices.Find(Filter.Eq("_id", DeviceKey(userId, deviceId))).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (device is null) return null;
        var oneTime = claimed is null ? null : new OneTimePrekey(claimed["keyId"].AsInt64, claimed["publicKey"].AsByteArray);
        return new PrekeyBundle(ReadIdentity(device),
            new SignedPrekey(device["signedPrekeyId"].AsInt64, device["signedPrekey"].AsByteArray, device["signedPrekeySignature"].AsByteArray), oneTime);
    }

    public async Task<bool> RemoveDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken = default)
    {
        await _prekeys.DeleteManyAsync(DeviceFilter(userId, deviceId), cancellationToken).ConfigureAwait(false);
        var removed = await _devices.DeleteOneAsync(Filter.Eq("_id", DeviceKey(userId, deviceId)), cancellationToken).ConfigureAwait(false);
        return removed.DeletedCount == 1;
    }

    private async Task<DeviceIdentity?> FindIdentityAsync(string userId, string deviceId, CancellationToken cancellationToken)
    {
        var document = await _devices.Find(Filter.Eq("_id", DeviceKey(userId, deviceId))).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return document is null ? null : ReadIdentity(document);
    }

    private async Task InsertPrekeysAsync(string userId, string deviceId, IReadOnlyList<OneTimePrekey> prekeys, CancellationToken cancellationToken)
    {
        if (prekeys.Count == 0) return;
        // Upserts keyed by (user, device, key id): a repeated id is ignored, as in SQLite.
        var writes = prekeys.Select(p => new UpdateOneModel<BsonDocument>(
            Filter.Eq("_id", new BsonDocument { ["u"] = userId, ["d"] = deviceId, ["k"] = p.KeyId }),
            Builders<BsonDocument>.Update
                .SetOnInsert("userId", userId).SetOnInsert("deviceId", deviceId)
                .SetOnInsert("keyId", p.KeyId).SetOnInsert("publicKey", new BsonBinaryData(p.PublicKey)))
        { IsUpsert = true }).ToList();
        await _prekeys.BulkWriteAsync(writes, new BulkWriteOptions { IsOrdered = false }, cancellationToken).ConfigureAwait(false);
    }

    private static FilterDefinition<BsonDocument> DeviceFilter(string userId, string deviceId) =>
        Filter.Eq("userId", userId) & Filter.Eq("deviceId", deviceId);

    private static BsonDocument DeviceKey(string userId, string deviceId) => new() { ["u"] = userId, ["d"] = deviceId };

    private static DeviceIdentity ReadIdentity(BsonDocument d) => new(
        d["userId"].AsString, d["deviceId"].AsString, d["identityKey"].AsByteArray, d["identityDhKey"].AsByteArray,
        d["identityDhSignature"].AsByteArray, new DateTimeOffset(d["updatedAt"].ToUniversalTime(), TimeSpan.Zero));
}
