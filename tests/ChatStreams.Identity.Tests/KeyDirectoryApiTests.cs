using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace ChatStreams.Identity.Tests;

/// <summary>The key directory REST API on a real Kestrel: publish, look up, claim, replenish warnings, bad keys.</summary>
public sealed class KeyDirectoryApiTests(IdentityApiServer server) : IClassFixture<IdentityApiServer>
{
    [Fact]
    public async Task Publish_ThenAnotherUserListsAndClaims_OnePrekeyPerClaim_AndTheOwnerIsToldToReplenish()
    {
        var alice = await server.RegisterAsync(TestOptions.UniqueName("alice"));
        var bob = await server.RegisterAsync(TestOptions.UniqueName("bob"));
        var aliceToken = alice.GetProperty("token").GetString()!;
        var bobToken = bob.GetProperty("token").GetString()!;
        var aliceId = alice.GetProperty("userId").GetString()!;

        using var published = await SendAsync(HttpMethod.Put, "/api/keys/devices/web-1", aliceToken, DeviceKeys(prekeys: 11));
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        var status = await published.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(11, status.GetProperty("oneTimePrekeys").GetInt32());
        Assert.False(status.GetProperty("replenish").GetBoolean());

        using var list = await SendAsync(HttpMethod.Get, $"/api/keys/users/{aliceId}/devices", bobToken);
        var devices = await list.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("web-1", Assert.Single(devices.EnumerateArray()).GetProperty("deviceId").GetString());

        var claimedIds = new HashSet<long>();
        for (var i = 0; i < 2; i++)
        {
            using var claim = await SendAsync(HttpMethod.Post, $"/api/keys/users/{aliceId}/devices/web-1/bundle", bobToken);
            Assert.Equal(HttpStatusCode.OK, claim.StatusCode);
            var bundle = await claim.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(32, Convert.FromBase64String(bundle.GetProperty("signedPrekey").GetProperty("publicKey").GetString()!).Length);
            Assert.True(claimedIds.Add(bundle.GetProperty("oneTimePrekey").GetProperty("keyId").GetInt64()));
        }

        using var own = await SendAsync(HttpMethod.Get, "/api/keys/devices/web-1", aliceToken);
        var after = await own.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(9, after.GetProperty("oneTimePrekeys").GetInt32());
        Assert.True(after.GetProperty("replenish").GetBoolean());
        Assert.Equal("9", own.Headers.GetValues("X-Prekeys-Low").Single());
    }

    [Fact]
    public async Task Publish_KeyOfWrongLength_Is400NamingTheField()
    {
        var carol = await server.RegisterAsync(TestOptions.UniqueName("carol"));
        var keys = DeviceKeys(prekeys: 1);
        keys["identityKey"] = Convert.ToBase64String(new byte[31]);

        using var response = await SendAsync(HttpMethod.Put, "/api/keys/devices/web-2", carol.GetProperty("token").GetString(), keys);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_request", problem.GetProperty("code").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("identityKey", out _));
    }

    [Fact]
    public async Task Claim_UnknownDevice_Is404_AndTheApiNeedsAToken()
    {
        var dave = await server.RegisterAsync(TestOptions.UniqueName("dave"));
        using var unknown = await SendAsync(HttpMethod.Post, "/api/keys/users/nobody/devices/none/bundle", dave.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var anonymous = await SendAsync(HttpMethod.Get, "/api/keys/users/nobody/devices", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await server.Client.SendAsync(request);
    }

    private static Dictionary<string, object> DeviceKeys(int prekeys) => new()
    {
        ["identityKey"] = Key(32),
        ["identityDhKey"] = Key(32),
        ["identityDhSignature"] = Key(64),
        ["signedPrekey"] = new { keyId = 1, publicKey = Key(32), signature = Key(64) },
        ["oneTimePrekeys"] = Enumerable.Range(1, prekeys).Select(i => new { keyId = i, publicKey = Key(32) }).ToList(),
    };

    private static string Key(int bytes) => Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));
}
