using ChatStreams.TestSupport;
using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatStreams.Identity.Tests;

/// <summary>
/// The <see cref="UserDirectoryContract{TDirectory}"/> against a real MongoDB (set CHATSTREAMS_MONGO_URL), each test in a
/// database of its own that is dropped afterwards, plus what is particular to MongoDB: millisecond dates, the stored
/// document and its index, concurrent index creation, id clashes.
/// </summary>
[NeedsMongo]
public sealed class MongoUserDirectoryTests : UserDirectoryContract<MongoUserDirectory>
{
    // Created per test, and only when the test is not skipped: xunit constructs no instance for a skipped test.
    private readonly MongoTestDatabase _database = new();

    [MongoFact]
    public async Task Register_CreatedAtBeyondMilliseconds_ReturnsWhatIsStored()
    {
        var account = Account("ticks", created: new DateTimeOffset(2025, 3, 4, 5, 6, 7, 890, TimeSpan.FromHours(2)).AddTicks(1234));

        var stored = await Users.TryRegisterAsync(account);

        Assert.Equal(new DateTimeOffset(2025, 3, 4, 3, 6, 7, 890, TimeSpan.Zero), stored!.CreatedAt);
        Assert.Equal(stored, await Users.FindByIdAsync(account.UserId));
    }

    [MongoFact]
    public async Task Register_StoresTheDocumentedShapeWithAUniqueUsernameIndex()
    {
        var erin = Account("Erin.X", "Érin Ü", new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await Users.TryRegisterAsync(erin);

        var users = _database.Client.GetDatabase(_database.Name).GetCollection<BsonDocument>(MongoUserDirectory.CollectionName);
        var stored = await users.Find(FilterDefinition<BsonDocument>.Empty).SingleAsync();
        Assert.Equal(
            new BsonDocument
            {
                { "_id", erin.UserId },
                { "username", "Erin.X" },
                { "usernameNormalized", "erin.x" },
                { "displayName", "Érin Ü" },
                { "displayNameNormalized", "érin ü" },
                { "passwordHash", erin.PasswordHash },
                { "createdAt", new BsonDateTime(new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc)) },
            },
            stored);

        var indexes = await (await users.Indexes.ListAsync()).ToListAsync();
        var username = Assert.Single(indexes, i => i["key"].AsBsonDocument.Contains("usernameNormalized"));
        Assert.True(username.GetValue("unique", false).ToBoolean());
    }

    [MongoFact]
    public async Task Initialize_RepeatedAndFromSeveralDirectories_IsHarmless()
    {
        using var second = Open();
        await Task.WhenAll(Users.InitializeAsync(), second.InitializeAsync());
        await Users.InitializeAsync();

        Assert.NotNull(await second.TryRegisterAsync(Account("ok")));
    }

    [MongoFact]
    public async Task Register_SameUserIdTwice_IsAnErrorNotTaken()
    {
        var first = Account("first");
        await Users.TryRegisterAsync(first);

        // Only a username clash means "taken"; reusing an id is a bug that must not be reported as a taken name.
        await Assert.ThrowsAsync<MongoWriteException>(() => Users.TryRegisterAsync(Account("second") with { UserId = first.UserId }));
    }

    protected override MongoUserDirectory Open() =>
        new(TestOptions.Wrap(new IdentityOptions { UsersProvider = IdentityOptions.MongoUsersProvider, MongoUrl = _database.Url }));

    protected override Task DeleteStoreAsync() => _database.DisposeAsync().AsTask();
}
