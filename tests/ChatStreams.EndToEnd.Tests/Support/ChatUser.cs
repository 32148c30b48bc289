using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ChatStreams.EndToEnd.Tests.Support;

/// <summary>A registered user and the REST calls of PROTOCOL.md, made through the gateway.</summary>
public sealed class ChatUser(ChatSystem system, string userId, string username, string token)
{
    public string UserId { get; } = userId;
    public string Username { get; } = username;
    public string Token { get; } = token;
    public ChatSystem System { get; } = system;

    public static async Task<ChatUser> RegisterAsync(ChatSystem system, string? name = null)
    {
        var username = name ?? "u" + Guid.NewGuid().ToString("N")[..12];
        var response = await system.Http.PostAsJsonAsync(system.GatewayUrl + "/api/auth/register",
            new { username, password = "correct horse battery", displayName = username.ToUpperInvariant() });
        if (response.StatusCode != HttpStatusCode.Created)
            Assert.Fail($"register {username}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{system.Log()}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new ChatUser(system, body.GetProperty("userId").GetString()!, username, body.GetProperty("token").GetString()!);
    }

    public HttpRequestMessage Request(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, System.GatewayUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(HttpMethod method, string path, object? body = null)
    {
        using var response = await System.Http.SendAsync(Request(method, path, body));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<string> CreateConversationAsync(string kind, IEnumerable<ChatUser> members, string? title = null)
    {
        var (status, body) = await CallAsync(HttpMethod.Post, "/api/conversations",
            new { kind, title, members = members.Select(m => m.UserId).ToArray() });
        Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, $"create conversation: {(int)status} {body}");
        return body.GetProperty("conversationId").GetString()!;
    }

    public Task<ChatClient> ConnectAsync(string? deviceId = null) => ChatClient.ConnectAsync(this, deviceId);

    /// <summary>Connects as a real client reconnects: retrying with a short backoff while no edge takes it (503).</summary>
    public async Task<ChatClient> ReconnectAsync(string? deviceId = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try { return await ChatClient.ConnectAsync(this, deviceId); }
            catch (System.Net.WebSockets.WebSocketException) when (DateTime.UtcNow < deadline) { await Task.Delay(250); }
        }
    }
}
