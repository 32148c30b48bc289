using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ChatStreams.Identity.Tests;

public sealed class IdentityApiTests(IdentityApiServer server) : IClassFixture<IdentityApiServer>
{
    [Fact]
    public async Task Register_Returns201WithUserIdTokenAndNames()
    {
        var name = TestOptions.UniqueName("Quinn");
        using var response = await server.Client.PostAsJsonAsync("/api/auth/register",
            new { username = name, password = "quinn-password", displayName = "Quinn Q" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["userId", "token", "username", "displayName"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(name, body.GetProperty("username").GetString());
        Assert.Equal("Quinn Q", body.GetProperty("displayName").GetString());
        Assert.Equal(32, body.GetProperty("userId").GetString()!.Length);
        Assert.DoesNotContain("argon2", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Register_DuplicateName_Is409UsernameTakenProblem()
    {
        var name = TestOptions.UniqueName("Rita");
        await server.RegisterAsync(name);

        using var response = await server.Client.PostAsJsonAsync("/api/auth/register",
            new { username = name.ToUpperInvariant(), password = "other-password" });

        var problem = await AssertProblem(response, HttpStatusCode.Conflict, "username_taken");
        Assert.Equal("Username taken", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Register_InvalidFields_Is400WithFieldErrors()
    {
        using var response = await server.Client.PostAsJsonAsync("/api/auth/register",
            new { username = "x", password = "short", displayName = "bad\u0007bell" });

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "invalid_request");
        var errors = problem.GetProperty("errors");
        Assert.Equal(["username", "password", "displayName"], errors.EnumerateObject().Select(p => p.Name));
        Assert.Equal("The password must be 8 to 256 characters long.", errors.GetProperty("password")[0].GetString());
    }

    [Fact]
    public async Task Login_RightPassword200_WrongPasswordAndUnknownUser401Alike()
    {
        var name = TestOptions.UniqueName("Sam");
        var registered = await server.RegisterAsync(name, "sam-password", "Sam");

        using var ok = await server.Client.PostAsJsonAsync("/api/auth/login", new { username = name.ToLowerInvariant(), password = "sam-password" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var body = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(registered.GetProperty("userId").GetString(), body.GetProperty("userId").GetString());
        Assert.Equal(name, body.GetProperty("username").GetString());
        Assert.Equal("Sam", body.GetProperty("displayName").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("token").GetString()));

        using var wrong = await server.Client.PostAsJsonAsync("/api/auth/login", new { username = name, password = "not-sam-password" });
        using var unknown = await server.Client.PostAsJsonAsync("/api/auth/login", new { username = TestOptions.UniqueName("ghost"), password = "not-sam-password" });
        var wrongProblem = await AssertProblem(wrong, HttpStatusCode.Unauthorized, "invalid_credentials");
        var unknownProblem = await AssertProblem(unknown, HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(wrongProblem.ToString(), unknownProblem.ToString());
    }

    [Fact]
    public async Task Login_EleventhFailureWithinAMinute_Is429WithRetryAfter()
    {
        var name = TestOptions.UniqueName("Tess");
        await server.RegisterAsync(name, "tess-password");
        for (var i = 0; i < 10; i++)
        {
            using var failed = await server.Client.PostAsJsonAsync("/api/auth/login", new { username = name, password = $"wrong-guess-{i}" });
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var limited = await server.Client.PostAsJsonAsync("/api/auth/login", new { username = name, password = "tess-password" });

        await AssertProblem(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
    }

    [Fact]
    public async Task UsersMe_WithBearerHeader_ReturnsProfile()
    {
        var name = TestOptions.UniqueName("Uma");
        var registered = await server.RegisterAsync(name, displayName: "Uma U");

        using var response = await server.GetAsync("/api/users/me", registered.GetProperty("token").GetString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var profile = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["userId", "username", "displayName"], profile.EnumerateObject().Select(p => p.Name));
        Assert.Equal(registered.GetProperty("userId").GetString(), profile.GetProperty("userId").GetString());
        Assert.Equal(name, profile.GetProperty("username").GetString());
        Assert.Equal("Uma U", profile.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task UsersMe_WithoutToken_Is401ProblemSayingTokenMissing()
    {
        using var response = await server.GetAsync("/api/users/me", token: null);

        var problem = await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("needs an access token", problem.GetProperty("detail").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task UsersMe_WithGarbageOrExpiredToken_Is401SayingWhich()
    {
        var options = new IdentityOptions { SigningKey = server.SigningKey, TokenLifetime = TimeSpan.FromHours(1) };
        var yesterday = new AccessTokens(TestOptions.Wrap(options), TokenSigningKey.Load(options), new ManualTimeProvider(DateTimeOffset.UtcNow.AddDays(-1)));
        var expired = yesterday.Issue(new UserAccount("someone", "someone", "Someone", "-", DateTimeOffset.UtcNow));

        using var garbage = await server.GetAsync("/api/users/me", "garbage");
        using var old = await server.GetAsync("/api/users/me", expired);

        Assert.Contains("invalid", (await AssertProblem(garbage, HttpStatusCode.Unauthorized, "unauthorized")).GetProperty("detail").GetString());
        Assert.Contains("expired", (await AssertProblem(old, HttpStatusCode.Unauthorized, "unauthorized")).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task UsersMe_TokenOfUnknownAccount_Is404()
    {
        var options = new IdentityOptions { SigningKey = server.SigningKey };
        var tokens = new AccessTokens(TestOptions.Wrap(options), TokenSigningKey.Load(options));
        var token = tokens.Issue(new UserAccount(UserAccount.NewUserId(), "vanished", "Vanished", "-", DateTimeOffset.UtcNow));

        using var response = await server.GetAsync("/api/users/me", token);

        await AssertProblem(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Forbidden_Is403Problem()
    {
        var token = (await server.RegisterAsync(TestOptions.UniqueName("Walt"))).GetProperty("token").GetString();

        using var response = await server.GetAsync("/api/admin-only", token);

        await AssertProblem(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task UserSearch_FindsByNamePart_RequiresAuthAndQuery()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        var token = (await server.RegisterAsync($"xena_{marker}", displayName: "Xena")).GetProperty("token").GetString();
        await server.RegisterAsync($"yuri_{marker}", displayName: $"Yuri {marker}");

        using var hits = await server.GetAsync($"/api/users?query={marker.ToUpperInvariant()}&limit=5", token);
        using var anonymous = await server.GetAsync($"/api/users?query={marker}", token: null);
        using var empty = await server.GetAsync("/api/users?query=%20", token);
        using var badLimit = await server.GetAsync($"/api/users?query={marker}&limit=lots", token);

        Assert.Equal(HttpStatusCode.OK, hits.StatusCode);
        var profiles = await hits.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal([$"xena_{marker}", $"yuri_{marker}"], profiles.EnumerateArray().Select(p => p.GetProperty("username").GetString()));
        Assert.All(profiles.EnumerateArray(), p => Assert.Equal(["userId", "username", "displayName"], p.EnumerateObject().Select(x => x.Name)));
        await AssertProblem(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.True((await AssertProblem(empty, HttpStatusCode.BadRequest, "invalid_request")).GetProperty("errors").TryGetProperty("query", out _));
        Assert.True((await AssertProblem(badLimit, HttpStatusCode.BadRequest, "invalid_request")).GetProperty("errors").TryGetProperty("limit", out _));
    }

    [Theory]
    [InlineData("{\"username\": \"zed\", ")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[1, 2]")]
    [InlineData("{\"username\": 42, \"password\": \"long-enough-pw\"}")]
    public async Task MalformedJsonBody_Is400InvalidRequestProblem(string body)
    {
        foreach (var path in new[] { "/api/auth/register", "/api/auth/login" })
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await server.Client.PostAsync(path, content);

            await AssertProblem(response, HttpStatusCode.BadRequest, "invalid_request");
        }
    }

    [Fact]
    public async Task WrongFieldType_Is400NamingTheField()
    {
        using var content = new StringContent("{\"username\": 42, \"password\": \"long-enough-pw\"}", Encoding.UTF8, "application/json");
        using var response = await server.Client.PostAsync("/api/auth/login", content);

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal("The value at $.username has the wrong type; see the API reference for the fields and their types.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task WrongContentType_Is400InvalidRequestProblem()
    {
        using var content = new StringContent("username=zed&password=long-enough-pw", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await server.Client.PostAsync("/api/auth/login", content);

        var problem = await AssertProblem(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Contains("Content-Type: application/json", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task OversizedBody_IsRejectedAsProblem()
    {
        var huge = JsonSerializer.Serialize(new { username = "zed", password = new string('p', 40_000) });
        using var content = new StringContent(huge, Encoding.UTF8, "application/json");
        using var response = await server.Client.PostAsync("/api/auth/login", content);

        await AssertProblem(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task AccessTokenQuery_IsAcceptedOnWsPathOnly()
    {
        var registered = await server.RegisterAsync(TestOptions.UniqueName("Zara"));
        var token = Uri.EscapeDataString(registered.GetProperty("token").GetString()!);

        using var ws = await server.Client.GetAsync($"/ws?access_token={token}");
        using var api = await server.Client.GetAsync($"/api/probe?access_token={token}");
        using var me = await server.Client.GetAsync($"/api/users/me?access_token={token}");

        Assert.Equal(HttpStatusCode.OK, ws.StatusCode);
        Assert.Equal(registered.GetProperty("userId").GetString(), await ws.Content.ReadAsStringAsync());
        await AssertProblem(api, HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblem(me, HttpStatusCode.Unauthorized, "unauthorized");
    }

    private static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"https://chatstreams.dev/errors/{code}", problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }
}
