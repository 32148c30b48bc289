using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChatStreams.Edge.Api;
using ChatStreams.Edge.History;
using ChatStreams.Edge.Tests.Support;
using ChatStreams.Identity;
using ChatStreams.Notifications.Preferences;
using ChatStreams.Notifications.WebPush;
using ChatStreams.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Edge.Tests.Api;

/// <summary>The push API of the edge over HTTP: the VAPID key, subscriptions (validation, ownership) and mutes (members only).</summary>
public sealed class PushEndpointsTests : IAsyncLifetime
{
    private const string Endpoint = "https://push.example.net/wpush/v2/gAAAAABk";
    private readonly TempDirectory _folder = new("edge-push");
    private readonly TestHistory _history = new();
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private string _p256dh = "";
    private string _auth = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)),
            ["Auth:UsersDatabase"] = _folder.Sub("users.db"),
            ["Notifications:SqlitePath"] = _folder.Sub("notifications/preferences.db"),
            ["Notifications:VapidKeyFile"] = _folder.Sub("notifications/vapid.json"),
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddChatIdentity(builder.Configuration);
        builder.Services.AddSingleton<IConversationHistory>(_history.History);
        builder.Services.AddPushApi(builder.Configuration);
        _app = builder.Build();
        _app.UseStatusCodePages();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapPushApi();
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()) };

        var log = new ConversationLog("team");
        _history.Apply(log.Created("ann", ["bob"], title: "Team"));
        using var browser = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        _p256dh = Base64Url.Encode(P256.PublicKeyOf(browser.ExportParameters(false)));
        _auth = Base64Url.Encode(RandomNumberGenerator.GetBytes(16));
    }

    private HttpRequestMessage As(string user, HttpMethod method, string path, object? body = null)
    {
        var tokens = _app.Services.GetRequiredService<AccessTokens>();
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Issue(new UserAccount(user, user, user, "-", DateTimeOffset.UtcNow)));
        if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonElement>());

    private async Task<JsonElement> ProblemOf(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var problem = await JsonOf(response);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }

    private object Subscription(string? endpoint = Endpoint, string? p256dh = null, string? auth = null) =>
        new { endpoint, expirationTime = (long?)null, keys = new { p256dh = p256dh ?? _p256dh, auth = auth ?? _auth } };

    [Fact]
    public async Task The_vapid_public_key_is_served_without_login_and_is_the_key_file_the_sender_reads()
    {
        var response = await _http.GetAsync("/api/push/vapid-public-key");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var key = (await JsonOf(response)).GetProperty("publicKey").GetString()!;
        Assert.Equal(65, Base64Url.Decode(key).Length);
        Assert.Equal(VapidKeys.LoadOrCreateFile(_folder.Sub("notifications/vapid.json")).PublicKeyText, key);
    }

    [Fact]
    public async Task A_browser_subscription_is_stored_for_the_caller_and_removed_by_endpoint()
    {
        var created = await _http.SendAsync(As("ann", HttpMethod.Post, "/api/push/subscriptions", Subscription()));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(Endpoint, (await JsonOf(created)).GetProperty("endpoint").GetString());
        var store = _app.Services.GetRequiredService<IPushPreferences>();
        var stored = Assert.Single(await store.SubscriptionsOfAsync("ann", default));
        Assert.Equal((Endpoint, _p256dh, _auth), (stored.Endpoint, stored.P256dh, stored.Auth));

        var path = $"/api/push/subscriptions?endpoint={Uri.EscapeDataString(Endpoint)}";
        await ProblemOf(await _http.SendAsync(As("bob", HttpMethod.Delete, path)), HttpStatusCode.NotFound, ApiErrorCodes.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await _http.SendAsync(As("ann", HttpMethod.Delete, path))).StatusCode);
        Assert.Empty(await store.SubscriptionsOfAsync("ann", default));
        await ProblemOf(await _http.SendAsync(As("ann", HttpMethod.Delete, path)), HttpStatusCode.NotFound, ApiErrorCodes.NotFound);
        await ProblemOf(await _http.SendAsync(As("ann", HttpMethod.Delete, "/api/push/subscriptions")), HttpStatusCode.BadRequest, ApiErrorCodes.InvalidRequest);
    }

    [Fact]
    public async Task Subscriptions_need_a_login_an_https_endpoint_and_keys_of_the_right_size()
    {
        var anonymous = await _http.PostAsJsonAsync("/api/push/subscriptions", Subscription());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        async Task<string[]> Refused(object body, string field)
        {
            var problem = await ProblemOf(await _http.SendAsync(As("ann", HttpMethod.Post, "/api/push/subscriptions", body)), HttpStatusCode.BadRequest,
                ApiErrorCodes.InvalidRequest);
            return problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();
        }

        Assert.Contains("https", (await Refused(Subscription(endpoint: "http://push.example.net/x"), "endpoint")).Single());
        Assert.Contains("loopback", (await Refused(Subscription(endpoint: "https://127.0.0.1:8443/x"), "endpoint")).Single());
        Assert.Contains("missing", (await Refused(Subscription(endpoint: null), "endpoint")).Single());
        Assert.Contains("65-byte", (await Refused(Subscription(p256dh: Base64Url.Encode(new byte[33])), "keys.p256dh")).Single());
        var offCurve = Base64Url.Decode(_p256dh);
        offCurve[64] ^= 1;
        Assert.Contains("P-256", (await Refused(Subscription(p256dh: Base64Url.Encode(offCurve)), "keys.p256dh")).Single());
        Assert.Contains("16 bytes", (await Refused(Subscription(auth: Base64Url.Encode(new byte[8])), "keys.auth")).Single());
        Assert.Contains("base64url", (await Refused(Subscription(auth: "not base64!"), "keys.auth")).Single());

        var notJson = As("ann", HttpMethod.Post, "/api/push/subscriptions");
        notJson.Content = new StringContent("endpoint=x", Encoding.UTF8, "text/plain");
        await ProblemOf(await _http.SendAsync(notJson), HttpStatusCode.BadRequest, ApiErrorCodes.InvalidRequest);
        Assert.Empty(await _app.Services.GetRequiredService<IPushPreferences>().SubscriptionsOfAsync("ann", default));
    }

    [Fact]
    public async Task A_member_mutes_until_a_time_or_until_unmuted_and_unmutes()
    {
        var until = DateTimeOffset.UtcNow.AddHours(8);
        var muted = await _http.SendAsync(As("ann", HttpMethod.Put, "/api/conversations/team/mute", new { until }));
        Assert.Equal(HttpStatusCode.OK, muted.StatusCode);
        var state = await JsonOf(muted);
        Assert.True(state.GetProperty("muted").GetBoolean());
        Assert.Equal(until.ToUnixTimeMilliseconds(), state.GetProperty("until").GetDateTimeOffset().ToUnixTimeMilliseconds());
        var store = _app.Services.GetRequiredService<IPushPreferences>();
        Assert.Equal("team", Assert.Single(await store.MutesOfAsync("ann", DateTimeOffset.UtcNow, default)).ConversationId);

        var forever = await JsonOf(await _http.SendAsync(As("ann", HttpMethod.Put, "/api/conversations/team/mute")));
        Assert.Equal(JsonValueKind.Null, forever.GetProperty("until").ValueKind);
        Assert.True((await JsonOf(await _http.SendAsync(As("ann", HttpMethod.Get, "/api/conversations/team/mute")))).GetProperty("muted").GetBoolean());
        var list = await JsonOf(await _http.SendAsync(As("ann", HttpMethod.Get, "/api/push/mutes")));
        Assert.Equal("team", Assert.Single(list.EnumerateArray()).GetProperty("conversationId").GetString());
        Assert.Equal(JsonValueKind.Null, list[0].GetProperty("until").ValueKind);
        Assert.Empty((await JsonOf(await _http.SendAsync(As("bob", HttpMethod.Get, "/api/push/mutes")))).EnumerateArray());

        var unmuted = await _http.SendAsync(As("ann", HttpMethod.Delete, "/api/conversations/team/mute"));
        Assert.Equal(HttpStatusCode.OK, unmuted.StatusCode);
        Assert.False((await JsonOf(unmuted)).GetProperty("muted").GetBoolean());
        Assert.Empty(await store.MutesOfAsync("ann", DateTimeOffset.UtcNow, default));
        Assert.Empty((await JsonOf(await _http.SendAsync(As("ann", HttpMethod.Get, "/api/push/mutes")))).EnumerateArray());
        Assert.False((await JsonOf(await _http.SendAsync(As("bob", HttpMethod.Get, "/api/conversations/team/mute")))).GetProperty("muted").GetBoolean());
    }

    [Fact]
    public async Task Only_members_mute_and_the_time_must_be_in_the_future()
    {
        await ProblemOf(await _http.SendAsync(As("carl", HttpMethod.Put, "/api/conversations/team/mute")), HttpStatusCode.Forbidden, "not_member");
        await ProblemOf(await _http.SendAsync(As("carl", HttpMethod.Delete, "/api/conversations/team/mute")), HttpStatusCode.Forbidden, "not_member");
        await ProblemOf(await _http.SendAsync(As("carl", HttpMethod.Get, "/api/conversations/team/mute")), HttpStatusCode.Forbidden, "not_member");
        await ProblemOf(await _http.SendAsync(As("ann", HttpMethod.Put, "/api/conversations/nowhere/mute")), HttpStatusCode.Forbidden, "not_member");
        await ProblemOf(await _http.SendAsync(As("ann", HttpMethod.Put, "/api/conversations/team/mute", new { until = DateTimeOffset.UtcNow.AddMinutes(-1) })),
            HttpStatusCode.BadRequest, ApiErrorCodes.InvalidRequest);
        await ProblemOf(await _http.SendAsync(As("ann", HttpMethod.Put, "/api/conversations/team/mute", new { until = "tomorrow" })),
            HttpStatusCode.BadRequest, ApiErrorCodes.InvalidRequest);
        Assert.Empty(await _app.Services.GetRequiredService<IPushPreferences>().MutesOfAsync("carl", DateTimeOffset.UtcNow, default));
        Assert.Empty(await _app.Services.GetRequiredService<IPushPreferences>().MutesOfAsync("ann", DateTimeOffset.UtcNow, default));
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        _history.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
