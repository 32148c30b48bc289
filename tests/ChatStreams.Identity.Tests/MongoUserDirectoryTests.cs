using MongoDB.Bson;
using MongoDB.Driver;

namespace ChatStreams.Identity.Tests;

/// <summary>
/// The SQLite directory's behaviours against a real MongoDB (set CHATSTREAMS_MONGO_URL), each test in a database of
/// its own that is dropped afterwards.
/// </summary>
public sealed class MongoUserDirectoryTests : IAsyncLifetime
{
    private MongoTestDatabase _database = null!;
    private MongoUserDirectory _directory = null!;

    public Task InitializeAsync()
    {
        _database = new MongoTestDatabase();
        _directory = Open();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _directory.Dispose();
        await _database.DisposeAsync();
    }

    [MongoFact]
    public async Task Register_ThenFindByNameIgnoringCaseAndById()
    {
        var created = new DateTimeOffset(2025, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);
        var alice = Account("Alice.Smith", "Alice Smith", created);

        Assert.Equal(alice, await _directory.TryRegisterAsync(alice));

        Assert.Equal(alice, await _directory.FindByUsernameAsync("alice.smith"));
        Assert.Equal(alice, await _directory.FindByUsernameAsync("ALICE.SMITH"));
        Assert.Equal(alice, await _directory.FindByIdAsync(alice.UserId));
        Assert.Null(await _directory.FindByUsernameAsync("alice"));
        Assert.Null(await _directory.FindByIdAsync("no-such-id"));
    }

    [MongoFact]
    public async Task Register_CreatedAtBeyondMilliseconds_ReturnsWhatIsStored()
    {
        var account = Account("ticks", created: new DateTimeOffset(2025, 3, 4, 5, 6, 7, 890, TimeSpan.FromHours(2)).AddTicks(1234));

        var stored = await _directory.TryRegisterAsync(account);

        Assert.Equal(new DateTimeOffset(2025, 3, 4, 3, 6, 7, 890, TimeSpan.Zero), stored!.CreatedAt);
        Assert.Equal(stored, await _directory.FindByIdAsync(account.UserId));
    }

    [MongoFact]
    public async Task Register_StoresTheDocumentedShapeWithAUniqueUsernameIndex()
    {
        var erin = Account("Erin.X", "Érin Ü", new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await _directory.TryRegisterAsync(erin);

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
        await Task.WhenAll(_directory.InitializeAsync(), second.InitializeAsync());
        await _directory.InitializeAsync();

        Assert.NotNull(await second.TryRegisterAsync(Account("ok")));
    }

    [MongoFact]
    public async Task Register_SameNameInAnyCase_IsTaken()
    {
        var first = Account("Bob");
        Assert.NotNull(await _directory.TryRegisterAsync(first));

        Assert.Null(await _directory.TryRegisterAsync(Account("bob")));
        Assert.Null(await _directory.TryRegisterAsync(Account("BOB")));
        Assert.Equal(first.UserId, (await _directory.FindByUsernameAsync("bOb"))!.UserId);
    }

    [MongoFact]
    public async Task Register_SameUserIdTwice_IsAnErrorNotTaken()
    {
        var first = Account("first");
        await _directory.TryRegisterAsync(first);

        // Only a username clash means "taken"; reusing an id is a bug that must not be reported as a taken name.
        await Assert.ThrowsAsync<MongoWriteException>(() => _directory.TryRegisterAsync(Account("second") with { UserId = first.UserId }));
    }

    [MongoFact]
    public async Task Register_TwoDirectoriesRacingForOneName_ExactlyOneWins()
    {
        using var first = Open();
        using var second = Open();
        string[] spellings = ["Racer", "racer", "RACER", "rAcEr"];

        var attempts = Enumerable.Range(0, 20)
            .Select(i => Account(spellings[i % spellings.Length]))
            .ToArray();
        using var start = new Barrier(attempts.Length);
        var results = await Task.WhenAll(attempts.Select((account, i) => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return (i % 2 == 0 ? first : second).TryRegisterAsync(account);
        }, TaskCreationOptions.LongRunning).Unwrap()));

        var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(winner!.UserId, (await first.FindByUsernameAsync("racer"))!.UserId);
        Assert.Equal(winner.UserId, (await second.FindByUsernameAsync("RACER"))!.UserId);
    }

    [MongoFact]
    public async Task Search_MatchesUsernameOrDisplayNameIgnoringCase_BestMatchesFirst()
    {
        await Register("ann", "Zed");
        await Register("annabel", "Annabel Lee");
        await Register("joanna", "Jo");
        await Register("zoe", "Ann Other");
        await Register("bert", "Bertram");

        var hits = await _directory.SearchAsync("ANN", 10);

        // Exact username, username prefix, display-name prefix, then any other match; ties by username.
        Assert.Equal(["ann", "annabel", "zoe", "joanna"], hits.Select(h => h.Username));
        Assert.Equal(new UserProfile(hits[2].UserId, "zoe", "Ann Other"), hits[2]);
        Assert.Equal(["bert"], (await _directory.SearchAsync("tram", 10)).Select(h => h.Username));
        Assert.Empty(await _directory.SearchAsync("nobody", 10));
    }

    [MongoFact]
    public async Task Search_LikeWildcardsInTheQueryAreLiteral()
    {
        await Register("under_score", "Under Score");
        await Register("underxscore", "Under X");
        await Register("percent", "100% real");
        await Register("plain", "Plain");
        await Register("back", @"Back\slash");

        Assert.Equal(["under_score"], (await _directory.SearchAsync("r_s", 10)).Select(h => h.Username));
        Assert.Equal(["percent"], (await _directory.SearchAsync("%", 10)).Select(h => h.Username));
        Assert.Equal(["back"], (await _directory.SearchAsync(@"\", 10)).Select(h => h.Username));
        Assert.Empty(await _directory.SearchAsync("_x_", 10));
    }

    [MongoFact]
    public async Task Search_RegexAndExpressionCharactersInTheQueryAreLiteral()
    {
        await Register("dot", "a.b");
        await Register("axb", "Plain Axb");
        await Register("star", "x*y (twins) [v2] {z} ^up$ a|b +1?");
        await Register("dollar", "$money");

        Assert.Equal(["dot"], (await _directory.SearchAsync("a.b", 10)).Select(h => h.Username));
        Assert.Equal(["star"], (await _directory.SearchAsync("x*y (twins) [v2] {z} ^up$ a|b +1?", 10)).Select(h => h.Username));
        Assert.Equal(["star"], (await _directory.SearchAsync("^up$", 10)).Select(h => h.Username));
        Assert.Empty(await _directory.SearchAsync(".*", 10));
        // A query starting with '$' must not be taken for a field path when ranking.
        Assert.Equal(["dollar", "star"], (await _directory.SearchAsync("$", 10)).Select(h => h.Username));
        Assert.Equal(["dollar"], (await _directory.SearchAsync("$MONEY", 10)).Select(h => h.Username));
    }

    [MongoFact]
    public async Task Search_LimitIsAppliedAndCappedAt50()
    {
        for (var i = 0; i < 55; i++)
        {
            await Register($"member{i:00}", $"Member {i}");
        }

        Assert.Equal(["member00", "member01", "member02"], (await _directory.SearchAsync("member", 3)).Select(h => h.Username));
        Assert.Equal(50, (await _directory.SearchAsync("member", 500)).Count);
        Assert.Empty(await _directory.SearchAsync("member", 0));
        Assert.Empty(await _directory.SearchAsync("   ", 10));
    }

    [MongoFact]
    public async Task Search_NonAsciiDisplayNamesIgnoreCase()
    {
        await Register("zoe2", "ÉLODIE Ünal");

        Assert.Equal(["zoe2"], (await _directory.SearchAsync("élodie", 10)).Select(h => h.Username));
        Assert.Equal(["zoe2"], (await _directory.SearchAsync("ünal", 10)).Select(h => h.Username));
    }

    [MongoFact]
    public async Task GetProfiles_ReturnsKnownIdsOnly()
    {
        var carol = await Register("carol", "Carol");
        var dave = await Register("dave", "Dave");

        var profiles = await _directory.GetProfilesAsync([carol.UserId, dave.UserId, "unknown", carol.UserId]);

        Assert.Equal(2, profiles.Count);
        Assert.Equal(new UserProfile(carol.UserId, "carol", "Carol"), profiles[carol.UserId]);
        Assert.Equal(new UserProfile(dave.UserId, "dave", "Dave"), profiles[dave.UserId]);
        Assert.Empty(await _directory.GetProfilesAsync([]));
    }

    [MongoFact]
    public async Task GetProfiles_ManyIds_AreLookedUpInChunks()
    {
        var registered = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            registered.Add((await Register($"bulk{i}", "Bulk")).UserId);
        }

        var ids = Enumerable.Range(0, 1200).Select(i => $"missing-{i}").Concat(registered).ToList();

        Assert.Equal(registered.Order(), (await _directory.GetProfilesAsync(ids)).Keys.Order());
    }

    [MongoFact]
    public async Task UpdatePasswordHash_ReplacesStoredHash()
    {
        var erin = await Register("erin", "Erin");

        Assert.True(await _directory.UpdatePasswordHashAsync(erin.UserId, "$argon2id$new"));
        Assert.True(await _directory.UpdatePasswordHashAsync(erin.UserId, "$argon2id$new"));
        Assert.False(await _directory.UpdatePasswordHashAsync("unknown", "$argon2id$new"));
        Assert.Equal("$argon2id$new", (await _directory.FindByIdAsync(erin.UserId))!.PasswordHash);
    }

    private MongoUserDirectory Open() =>
        new(TestOptions.Wrap(new IdentityOptions { UsersProvider = IdentityOptions.MongoUsersProvider, MongoUrl = _database.Url }));

    private async Task<UserAccount> Register(string username, string displayName)
    {
        var account = Account(username, displayName);
        Assert.NotNull(await _directory.TryRegisterAsync(account));
        return account;
    }

    private static UserAccount Account(string username, string? displayName = null, DateTimeOffset? created = null) =>
        new(UserAccount.NewUserId(), username, displayName ?? username, "$argon2id$placeholder", created ?? DateTimeOffset.UnixEpoch);
}
