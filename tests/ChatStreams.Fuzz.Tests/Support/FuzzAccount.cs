using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ChatStreams.Fuzz.Tests.Support;

/// <summary>A registered user and raw REST calls through the gateway (the fuzz tests send bodies as bytes).</summary>
public sealed class FuzzAccount(FuzzSystem system, string userId, string username, string token)
{
    public const string Password = "correct horse battery staple";

    public string UserId { get; } = userId;
    public string Username { get; } = username;
    public string Token { get; } = token;
    public FuzzSystem System { get; } = system;

    public static async Task<FuzzAccount> RegisterAsync(FuzzSystem system, string prefix = "f")
    {
        var username = prefix + Guid.NewGuid().ToString("N")[..12];
        using var response = await system.Http.PostAsJsonAsync(system.GatewayUrl + "/api/auth/register", new { username, password = Password });
        if (response.StatusCode != HttpStatusCode.Created)
            Assert.Fail($"register {username}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{system.Log()}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new FuzzAccount(system, body.GetProperty("userId").GetString()!, username, body.GetProperty("token").GetString()!);
    }

    public async Task<HttpAnswer> CallAsync(HttpMethod method, string pathAndQuery, object? json = null)
    {
        using var request = new HttpRequestMessage(method, System.GatewayUrl + pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (json is not null) request.Content = JsonContent.Create(json);
        return await HttpAnswer.SendAsync(System.Http, request);
    }

    public async Task<string> CreateConversationAsync(string kind, IEnumerable<FuzzAccount> members, string? title = null)
    {
        var answer = await CallAsync(HttpMethod.Post, "/api/conversations", new { kind, title, members = members.Select(m => m.UserId).ToArray() });
        Assert.True(answer.Status is HttpStatusCode.Created or HttpStatusCode.OK, $"create conversation: {answer}");
        return answer.Json.GetProperty("conversationId").GetString()!;
    }

    public Task<FuzzSocket> ConnectAsync() => FuzzSocket.ConnectAsync(System, Token);
}

/// <summary>Status, headers and body of one HTTP answer; the body parsed as JSON when it is JSON.</summary>
public sealed record HttpAnswer(HttpStatusCode Status, string? ContentType, string Body, HttpResponseHeaders Headers)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>The problem's machine-readable code, or null when the body is no problem document.</summary>
    public string? Code
    {
        get
        {
            try { return Json.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null; }
            catch (JsonException) { return null; }
        }
    }

    public static async Task<HttpAnswer> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new HttpAnswer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, response.Headers);
    }

    public override string ToString() => $"{(int)Status} {ContentType} {(Body.Length > 400 ? Body[..400] + "…" : Body)}";
}
