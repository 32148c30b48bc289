using Microsoft.Data.Sqlite;

namespace ChatStreams.Identity.Tests;

public sealed class SqliteUserDirectoryTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly SqliteUserDirectory _directory;

    public SqliteUserDirectoryTests()
    {
        _directory = Open(_folder.File("missing", "folder", "users.db"));
    }

    public void Dispose()
    {
        _directory.Dispose();
        _folder.Dispose();
    }

    [Fact]
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

    [Fact]
    public async Task File_UsesWalAndIsCreatedWithItsFolder()
    {
        await _directory.InitializeAsync();
        Assert.True(File.Exists(_directory.DatabasePath));

        await using var connection = new SqliteConnection($"Data Source={_directory.DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Register_SameNameInAnyCase_IsTaken()
    {
        var first = Account("Bob");
        Assert.NotNull(await _directory.TryRegisterAsync(first));

        Assert.Null(await _directory.TryRegisterAsync(Account("bob")));
        Assert.Null(await _directory.TryRegisterAsync(Account("BOB")));
        Assert.Equal(first.UserId, (await _directory.FindByUsernameAsync("bOb"))!.UserId);
    }

    [Fact]
    public async Task Register_TwoDirectoriesOnOneFileRacingForOneName_ExactlyOneWins()
    {
        var path = _folder.File("race", "users.db");
        using var first = Open(path);
        using var second = Open(path);
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

    [Fact]
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

    [Fact]
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

    [Fact]
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

    [Fact]
    public async Task Search_NonAsciiDisplayNamesIgnoreCase()
    {
        await Register("zoe2", "ÉLODIE Ünal");

        Assert.Equal(["zoe2"], (await _directory.SearchAsync("élodie", 10)).Select(h => h.Username));
        Assert.Equal(["zoe2"], (await _directory.SearchAsync("ünal", 10)).Select(h => h.Username));
    }

    [Fact]
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

    [Fact]
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

    [Fact]
    public async Task UpdatePasswordHash_ReplacesStoredHash()
    {
        var erin = await Register("erin", "Erin");

        Assert.True(await _directory.UpdatePasswordHashAsync(erin.UserId, "$argon2id$new"));
        Assert.False(await _directory.UpdatePasswordHashAsync("unknown", "$argon2id$new"));
        Assert.Equal("$argon2id$new", (await _directory.FindByIdAsync(erin.UserId))!.PasswordHash);
    }

    [Fact]
    public void UserAccount_ToStringNeverShowsTheHash()
    {
        var account = Account("frank") with { PasswordHash = "$argon2id$secret-hash" };

        Assert.DoesNotContain("secret-hash", account.ToString());
        Assert.Contains("frank", account.ToString());
    }

    private static SqliteUserDirectory Open(string path) =>
        new(TestOptions.Wrap(new IdentityOptions { UsersDatabase = path }));

    private async Task<UserAccount> Register(string username, string displayName)
    {
        var account = Account(username, displayName);
        Assert.NotNull(await _directory.TryRegisterAsync(account));
        return account;
    }

    private static UserAccount Account(string username, string? displayName = null, DateTimeOffset? created = null) =>
        new(UserAccount.NewUserId(), username, displayName ?? username, "$argon2id$placeholder", created ?? DateTimeOffset.UnixEpoch);
}
