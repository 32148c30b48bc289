using Microsoft.IdentityModel.JsonWebTokens;

namespace ChatStreams.Identity.Tests;

public sealed class AccountServiceTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly IdentityOptions _options;
    private readonly SqliteUserDirectory _directory;
    private readonly AccountService _accounts;

    public AccountServiceTests()
    {
        _options = TestOptions.Fast(_folder.File("users.db"), loginAttemptsPerMinute: 3);
        _directory = new SqliteUserDirectory(TestOptions.Wrap(_options));
        _accounts = Service(_options);
    }

    public void Dispose()
    {
        _directory.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task Register_StoresHashedAccount_AndIssuesTokenForIt()
    {
        var result = await _accounts.RegisterAsync("Grace_H", "analytical-engine", "  Grace Hopper  ");

        Assert.True(result.Succeeded);
        Assert.Equal("Grace_H", result.Account.Username);
        Assert.Equal("Grace Hopper", result.Account.DisplayName);
        Assert.Equal(32, result.Account.UserId.Length);
        Assert.StartsWith("$argon2id$v=19$m=1024,t=1,p=1$", result.Account.PasswordHash);
        var stored = await _directory.FindByUsernameAsync("grace_h");
        Assert.Equal(result.Account, stored);
        Assert.Equal(result.Account.UserId, new JsonWebToken(result.Token).Subject);
    }

    [Theory]
    [InlineData("password1")]
    [InlineData("QWERTYUIOP")]
    [InlineData("iloveyou ")]
    [InlineData("chatstreams")]
    public async Task Register_WithACommonPassword_IsInvalidRequestNamingIt(string password)
    {
        var result = await _accounts.RegisterAsync(TestOptions.UniqueName("cp"), password, null);

        Assert.False(result.Succeeded);
        Assert.Equal((ApiErrorCodes.InvalidRequest, 400), (result.Failure.Code, result.Failure.Status));
        Assert.Contains("most common", result.Failure.Errors!["password"][0]);
    }

    [Fact]
    public async Task Register_WithTheUsernameAsPassword_IsRefused_AndLongPassphrasesOfAnyCharactersAreAccepted()
    {
        var same = await _accounts.RegisterAsync("Quentin_Q", "quentin_q", null);
        Assert.Equal("The password must not be the username.", same.Failure!.Errors!["password"][0]);

        // No composition rules: spaces, only lower-case letters, emoji are all fine once long and uncommon.
        Assert.True((await _accounts.RegisterAsync("rita_r", "tangerine bicycle gravel", null)).Succeeded);
        Assert.True((await _accounts.RegisterAsync("sven_s", "🦊🦊 fox in the snow", null)).Succeeded);
        Assert.True(CommonPasswords.Count > 100);
    }

    [Fact]
    public async Task Login_FailuresFromOneAddressOverManyNames_Are429ForThatAddress()
    {
        var options = TestOptions.Fast(_folder.File("users.db"), loginAttemptsPerMinute: 10);
        options.LoginAttemptsPerMinutePerAddress = 3;
        var accounts = Service(options);
        Assert.True((await accounts.RegisterAsync("tom_t", "tom-password-1", null)).Succeeded);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(ApiErrorCodes.InvalidCredentials, (await accounts.LoginAsync($"guess{i}", "wrong-password", default, "203.0.113.9")).Failure!.Code);
        }

        var limited = await accounts.LoginAsync("tom_t", "tom-password-1", default, "203.0.113.9");
        Assert.Equal((ApiErrorCodes.RateLimited, 429), (limited.Failure!.Code, limited.Failure.Status));
        Assert.NotNull(limited.Failure.RetryAfter);
        Assert.True((await accounts.LoginAsync("tom_t", "tom-password-1", default, "198.51.100.2")).Succeeded);
    }

    [Fact]
    public async Task Register_WithoutDisplayName_UsesUsername()
    {
        var result = await _accounts.RegisterAsync("heidi", "long-enough-pw", null);
        var blank = await _accounts.RegisterAsync("ivan", "long-enough-pw", "   ");

        Assert.Equal("heidi", result.Account!.DisplayName);
        Assert.Equal("ivan", blank.Account!.DisplayName);
    }

    [Fact]
    public async Task Register_TakenNameInOtherCase_IsUsernameTaken409()
    {
        Assert.True((await _accounts.RegisterAsync("Judy", "long-enough-pw", "Judy")).Succeeded);

        var result = await _accounts.RegisterAsync("JUDY", "other-password", "Another Judy");

        Assert.False(result.Succeeded);
        Assert.Equal((ApiErrorCodes.UsernameTaken, 409), (result.Failure.Code, result.Failure.Status));
    }

    [Theory]
    [InlineData("ab", "long-enough-pw", "x", "username")]
    [InlineData("this_username_is_way_too_long_123", "long-enough-pw", "x", "username")]
    [InlineData("has space", "long-enough-pw", "x", "username")]
    [InlineData("ünïcode", "long-enough-pw", "x", "username")]
    [InlineData(null, "long-enough-pw", "x", "username")]
    [InlineData("valid_name", "short", "x", "password")]
    [InlineData("valid_name", null, "x", "password")]
    [InlineData("valid_name", "long-enough-pw", "tab\there", "displayName")]
    [InlineData("valid_name", "long-enough-pw", "line\nbreak", "displayName")]
    [InlineData("valid_name", "long-enough-pw", "nul\0", "displayName")]
    public async Task Register_InvalidInput_IsInvalidRequestNamingTheField(string? username, string? password, string? displayName, string field)
    {
        var result = await _accounts.RegisterAsync(username, password, displayName);

        Assert.False(result.Succeeded);
        Assert.Equal((ApiErrorCodes.InvalidRequest, 400), (result.Failure.Code, result.Failure.Status));
        Assert.Equal([field], result.Failure.Errors!.Keys);
        Assert.Null(await _directory.FindByUsernameAsync(username ?? "valid_name"));
    }

    [Fact]
    public async Task Register_DisplayNameWithBrokenUnicode_IsInvalidRequest()
    {
        var result = await _accounts.RegisterAsync("valid_name", "long-enough-pw", "bad\ud800surrogate");

        Assert.Equal(["displayName"], result.Failure!.Errors!.Keys);
    }

    [Fact]
    public async Task Register_LengthLimitsAreInclusive()
    {
        Assert.True((await _accounts.RegisterAsync("abc", new string('p', 8), new string('d', 64))).Succeeded);
        Assert.True((await _accounts.RegisterAsync(new string('u', 32), new string('p', 256), "ok")).Succeeded);

        var tooLong = await _accounts.RegisterAsync("kim", new string('p', 257), new string('d', 65));
        Assert.Equal(["password", "displayName"], tooLong.Failure!.Errors!.Keys);
    }

    [Fact]
    public async Task Login_CorrectPassword_ReturnsAccountAndToken()
    {
        var registered = await _accounts.RegisterAsync("Leo", "leo-password-1", "Leo");

        var result = await _accounts.LoginAsync("leo", "leo-password-1");

        Assert.True(result.Succeeded);
        Assert.Equal(registered.Account!.UserId, result.Account.UserId);
        Assert.Equal("Leo", result.Account.Username);
        Assert.Equal(registered.Account.UserId, new JsonWebToken(result.Token).Subject);
    }

    [Fact]
    public async Task Login_UnknownUserAndWrongPassword_GetTheSameAnswer()
    {
        await _accounts.RegisterAsync("mallory", "mallory-password", null);

        var wrongPassword = await _accounts.LoginAsync("mallory", "not-the-password");
        var unknownUser = await _accounts.LoginAsync("nobody_here", "not-the-password");
        var impossibleName = await _accounts.LoginAsync("no such name!", "not-the-password");

        Assert.Equal(wrongPassword.Failure, unknownUser.Failure);
        Assert.Equal(wrongPassword.Failure, impossibleName.Failure);
        Assert.Equal((ApiErrorCodes.InvalidCredentials, 401), (wrongPassword.Failure!.Code, wrongPassword.Failure.Status));
    }

    [Fact]
    public async Task Login_PasswordOverTheLimit_IsInvalidCredentials()
    {
        await _accounts.RegisterAsync("olga", "olga-password", null);

        var result = await _accounts.LoginAsync("olga", new string('p', 10_000));

        Assert.Equal((ApiErrorCodes.InvalidCredentials, 401), (result.Failure!.Code, result.Failure.Status));
    }

    [Fact]
    public async Task Login_MissingFields_IsInvalidRequest()
    {
        var result = await _accounts.LoginAsync("", null);

        Assert.Equal(ApiErrorCodes.InvalidRequest, result.Failure!.Code);
        Assert.Equal(["username", "password"], result.Failure.Errors!.Keys);
    }

    [Fact]
    public async Task Login_AfterTooManyFailures_IsRateLimitedEvenWithTheRightPassword()
    {
        await _accounts.RegisterAsync("nina", "nina-password", null);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(ApiErrorCodes.InvalidCredentials, (await _accounts.LoginAsync("nina", $"guess-{i}-wrong")).Failure!.Code);
        }

        var blocked = await _accounts.LoginAsync("NINA", "nina-password");

        Assert.Equal((ApiErrorCodes.RateLimited, 429), (blocked.Failure!.Code, blocked.Failure.Status));
        Assert.NotNull(blocked.Failure.RetryAfter);
        Assert.InRange(blocked.Failure.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.True((await _accounts.LoginAsync("someone_else", "whatever-pass")).Failure!.Code == ApiErrorCodes.InvalidCredentials);
    }

    [Fact]
    public async Task Login_SuccessClearsEarlierFailures()
    {
        await _accounts.RegisterAsync("oscar", "oscar-password", null);
        await _accounts.LoginAsync("oscar", "wrong-password-1");
        await _accounts.LoginAsync("oscar", "wrong-password-2");
        Assert.True((await _accounts.LoginAsync("oscar", "oscar-password")).Succeeded);

        await _accounts.LoginAsync("oscar", "wrong-password-3");
        await _accounts.LoginAsync("oscar", "wrong-password-4");

        Assert.True((await _accounts.LoginAsync("oscar", "oscar-password")).Succeeded);
    }

    [Fact]
    public async Task Login_HashWithOldParameters_IsRehashedWithCurrentOnes()
    {
        await _accounts.RegisterAsync("peggy", "peggy-password", null);
        var stronger = new IdentityOptions
        {
            SigningKey = _options.SigningKey,
            UsersDatabase = _options.UsersDatabase,
            Argon2MemoryKiB = 2048,
            Argon2Iterations = 2,
        };
        var upgraded = Service(stronger);

        Assert.True((await upgraded.LoginAsync("peggy", "peggy-password")).Succeeded);

        Assert.StartsWith("$argon2id$v=19$m=2048,t=2,p=1$", (await _directory.FindByUsernameAsync("peggy"))!.PasswordHash);
        Assert.True((await upgraded.LoginAsync("peggy", "peggy-password")).Succeeded);
        Assert.True((await _accounts.LoginAsync("peggy", "peggy-password")).Succeeded);
    }

    private AccountService Service(IdentityOptions options)
    {
        var wrapped = TestOptions.Wrap(options);
        return new AccountService(
            _directory,
            new PasswordHasher(wrapped),
            new AccessTokens(wrapped, TokenSigningKey.Load(options)),
            new LoginThrottle(wrapped));
    }
}
