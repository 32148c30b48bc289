using ChatStreams.TestSupport;
namespace ChatStreams.Identity.Tests;

/// <summary>
/// What every <see cref="IUserDirectory"/> must do, whatever stores the accounts: each store's test class derives
/// from this and adds only what is particular to its store. Every test starts from an empty store of its own.
/// </summary>
public abstract class UserDirectoryContract<TDirectory> : IAsyncLifetime
    where TDirectory : class, IUserDirectory, IDisposable
{
    /// <summary>The directory the tests use, opened on this test's empty store.</summary>
    protected TDirectory Users { get; private set; } = null!;

    /// <summary>A directory on this test's store; each call opens another, as a second edge process would.</summary>
    protected abstract TDirectory Open();

    /// <summary>Removes this test's store once every directory on it is closed.</summary>
    protected abstract Task DeleteStoreAsync();

    public Task InitializeAsync()
    {
        Users = Open();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Users.Dispose();
        await DeleteStoreAsync();
    }

    [ContractFact]
    public async Task Register_ThenFindByNameIgnoringCaseAndById()
    {
        var created = new DateTimeOffset(2025, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);
        var alice = Account("Alice.Smith", "Alice Smith", created);

        Assert.Equal(alice, await Users.TryRegisterAsync(alice));

        Assert.Equal(alice, await Users.FindByUsernameAsync("alice.smith"));
        Assert.Equal(alice, await Users.FindByUsernameAsync("ALICE.SMITH"));
        Assert.Equal(alice, await Users.FindByIdAsync(alice.UserId));
        Assert.Null(await Users.FindByUsernameAsync("alice"));
        Assert.Null(await Users.FindByIdAsync("no-such-id"));
    }

    [ContractFact]
    public async Task Register_SameNameInAnyCase_IsTaken()
    {
        var first = Account("Bob");
        Assert.NotNull(await Users.TryRegisterAsync(first));

        Assert.Null(await Users.TryRegisterAsync(Account("bob")));
        Assert.Null(await Users.TryRegisterAsync(Account("BOB")));
        Assert.Equal(first.UserId, (await Users.FindByUsernameAsync("bOb"))!.UserId);
    }

    [ContractFact]
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

    [ContractFact]
    public async Task Search_MatchesUsernameOrDisplayNameIgnoringCase_BestMatchesFirst()
    {
        await Register("ann", "Zed");
        await Register("annabel", "Annabel Lee");
        await Register("joanna", "Jo");
        await Register("zoe", "Ann Other");
        await Register("bert", "Bertram");

        var hits = await Users.SearchAsync("ANN", 10);

        // Exact username, username prefix, display-name prefix, then any other match; ties by username.
        Assert.Equal(["ann", "annabel", "zoe", "joanna"], hits.Select(h => h.Username));
        Assert.Equal(new UserProfile(hits[2].UserId, "zoe", "Ann Other"), hits[2]);
        Assert.Equal(["bert"], (await Users.SearchAsync("tram", 10)).Select(h => h.Username));
        Assert.Empty(await Users.SearchAsync("nobody", 10));
    }

    [ContractFact]
    public async Task Search_LikeWildcardsInTheQueryAreLiteral()
    {
        await Register("under_score", "Under Score");
        await Register("underxscore", "Under X");
        await Register("percent", "100% real");
        await Register("plain", "Plain");
        await Register("back", @"Back\slash");

        Assert.Equal(["under_score"], (await Users.SearchAsync("r_s", 10)).Select(h => h.Username));
        Assert.Equal(["percent"], (await Users.SearchAsync("%", 10)).Select(h => h.Username));
        Assert.Equal(["back"], (await Users.SearchAsync(@"\", 10)).Select(h => h.Username));
        Assert.Empty(await Users.SearchAsync("_x_", 10));
    }

    [ContractFact]
    public async Task Search_RegexAndExpressionCharactersInTheQueryAreLiteral()
    {
        await Register("dot", "a.b");
        await Register("axb", "Plain Axb");
        await Register("star", "x*y (twins) [v2] {z} ^up$ a|b +1?");
        await Register("dollar", "$money");

        Assert.Equal(["dot"], (await Users.SearchAsync("a.b", 10)).Select(h => h.Username));
        Assert.Equal(["star"], (await Users.SearchAsync("x*y (twins) [v2] {z} ^up$ a|b +1?", 10)).Select(h => h.Username));
        Assert.Equal(["star"], (await Users.SearchAsync("^up$", 10)).Select(h => h.Username));
        Assert.Empty(await Users.SearchAsync(".*", 10));
        // A query starting with '$' must not be taken for a field path (MongoDB) when ranking.
        Assert.Equal(["dollar", "star"], (await Users.SearchAsync("$", 10)).Select(h => h.Username));
        Assert.Equal(["dollar"], (await Users.SearchAsync("$MONEY", 10)).Select(h => h.Username));
    }

    [ContractFact]
    public async Task Search_LimitIsAppliedAndCappedAt50()
    {
        for (var i = 0; i < 55; i++)
        {
            await Register($"member{i:00}", $"Member {i}");
        }

        Assert.Equal(["member00", "member01", "member02"], (await Users.SearchAsync("member", 3)).Select(h => h.Username));
        Assert.Equal(50, (await Users.SearchAsync("member", 500)).Count);
        Assert.Empty(await Users.SearchAsync("member", 0));
        Assert.Empty(await Users.SearchAsync("   ", 10));
    }

    [ContractFact]
    public async Task Search_NonAsciiDisplayNamesIgnoreCase()
    {
        await Register("zoe2", "ÉLODIE Ünal");

        Assert.Equal(["zoe2"], (await Users.SearchAsync("élodie", 10)).Select(h => h.Username));
        Assert.Equal(["zoe2"], (await Users.SearchAsync("ünal", 10)).Select(h => h.Username));
    }

    [ContractFact]
    public async Task GetProfiles_ReturnsKnownIdsOnly()
    {
        var carol = await Register("carol", "Carol");
        var dave = await Register("dave", "Dave");

        var profiles = await Users.GetProfilesAsync([carol.UserId, dave.UserId, "unknown", carol.UserId, ""]);

        Assert.Equal(2, profiles.Count);
        Assert.Equal(new UserProfile(carol.UserId, "carol", "Carol"), profiles[carol.UserId]);
        Assert.Equal(new UserProfile(dave.UserId, "dave", "Dave"), profiles[dave.UserId]);
        Assert.Empty(await Users.GetProfilesAsync([]));
    }

    [ContractFact]
    public async Task GetProfiles_ManyIds_AreLookedUpInChunks()
    {
        var registered = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            registered.Add((await Register($"bulk{i}", "Bulk")).UserId);
        }

        var ids = Enumerable.Range(0, 1200).Select(i => $"missing-{i}").Concat(registered).ToList();

        Assert.Equal(registered.Order(), (await Users.GetProfilesAsync(ids)).Keys.Order());
    }

    [ContractFact]
    public async Task UpdatePasswordHash_ReplacesStoredHash()
    {
        var erin = await Register("erin", "Erin");

        Assert.True(await Users.UpdatePasswordHashAsync(erin.UserId, "$argon2id$new"));
        // Storing the same hash again still finds the account.
        Assert.True(await Users.UpdatePasswordHashAsync(erin.UserId, "$argon2id$new"));
        Assert.False(await Users.UpdatePasswordHashAsync("unknown", "$argon2id$new"));
        Assert.Equal("$argon2id$new", (await Users.FindByIdAsync(erin.UserId))!.PasswordHash);
    }

    protected static UserAccount Account(string username, string? displayName = null, DateTimeOffset? created = null) =>
        new(UserAccount.NewUserId(), username, displayName ?? username, "$argon2id$placeholder", created ?? DateTimeOffset.UnixEpoch);

    private async Task<UserAccount> Register(string username, string displayName)
    {
        var account = Account(username, displayName);
        Assert.NotNull(await Users.TryRegisterAsync(account));
        return account;
    }
}
