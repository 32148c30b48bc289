using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChatStreams.Edge.History;
using ChatStreams.Edge.Media;
using ChatStreams.Edge.Tests.Support;
using ChatStreams.Identity;
using ChatStreams.Media;
using ChatStreams.TestSupport;
using chatstreams.v1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Edge.Tests.Media;

/// <summary>
/// The edge's media endpoints on a real Kestrel server on 127.0.0.1, with the edge's identity (JWT), the media
/// services as configured by Media:* and a history in which alice and bob share conversation "c1" (mallory does not).
/// </summary>
internal sealed class MediaApiServer : IAsyncDisposable
{
    private readonly TempDirectory _folder;
    private readonly TestHistory _history;
    private readonly WebApplication _app;

    public ManualClock Clock { get; }
    public HttpClient Http { get; } = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
    public string Url { get; }
    public ConversationLog Conversation { get; } = new("c1");

    public static async Task<MediaApiServer> StartAsync(Dictionary<string, string?>? media = null)
    {
        var folder = new TempDirectory("media-api", Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools);
        var settings = new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = Convert.ToBase64String(new byte[48]),
            ["Auth:UsersDatabase"] = folder.Sub("users.db"),
            ["Media:CatalogPath"] = folder.Sub("media/catalog.db"),
            ["Media:LocalPath"] = folder.Sub("media"),
            ["Media:SigningKeyFile"] = folder.Sub("media.key"),
        };
        foreach (var (key, value) in media ?? []) settings[key] = value;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        var history = new TestHistory();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddSingleton<IConversationHistory>(history.History);
        builder.Services.AddChatIdentity(builder.Configuration);
        builder.Services.AddChatMedia(builder.Configuration);
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapMediaApi();
        await app.StartAsync();
        var server = new MediaApiServer(app, app.Urls.First(), folder, history, clock);
        var log = server.Conversation;
        history.Apply(log.Created("alice", ["bob", "carol"]), log.Removed("alice", "carol"));
        return server;
    }

    private MediaApiServer(WebApplication app, string url, TempDirectory folder, TestHistory history, ManualClock clock)
    {
        (_app, Url, _folder, _history, Clock) = (app, url, folder, history, clock);
    }

    private readonly Dictionary<string, string> _tokens = [];

    /// <summary>
    /// One token per user, issued on first use: tokens are issued at the test clock's time but checked at the real
    /// time, so a test that moves the clock takes its users' tokens before.
    /// </summary>
    public string TokenOf(string userId)
    {
        lock (_tokens)
        {
            if (!_tokens.TryGetValue(userId, out var token))
                _tokens[userId] = token = _app.Services.GetRequiredService<AccessTokens>().Issue(new UserAccount(userId, userId, userId, "unused", DateTimeOffset.UtcNow));
            return token;
        }
    }

    public HttpRequestMessage Request(HttpMethod method, string path, string? user, object? body = null)
    {
        var request = new HttpRequestMessage(method, path.StartsWith("http", StringComparison.Ordinal) ? path : Url + path);
        if (user is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TokenOf(user));
        if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    public async Task<(int Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpRequestMessage request)
    {
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonDocument.Parse(text).RootElement.Clone() : default, response);
    }

    public Task<(int Status, JsonElement Body, HttpResponseMessage Response)> DeclareAsync(string user, object body) =>
        SendAsync(Request(HttpMethod.Post, "/api/media", user, body));

    /// <summary>PUTs <paramref name="bytes"/> to an upload URL with the given content type (the declared one unless told otherwise).</summary>
    public Task<(int Status, JsonElement Body, HttpResponseMessage Response)> UploadAsync(string url, byte[] bytes, string contentType)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Http.Dispose();
        _history.Dispose();
        _folder.Dispose();
    }
}

/// <summary>A clock the test moves: signed URLs expire without waiting.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;
    public override DateTimeOffset GetUtcNow() => _now;
    public void Advance(TimeSpan by) => _now += by;
}
