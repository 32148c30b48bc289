using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace ChatStreams.Bench.Edge;

/// <summary>The REST calls of the client protocol the benchmark needs, made through the gateway as a client makes them.</summary>
public sealed class ChatRestClient(string gatewayUrl) : IDisposable
{
    /// <summary>Same for every benchmark user: registration hashes it with Argon2id, which is what costs, not the value.</summary>
    private const string Password = "edge benchmark password";

    private readonly HttpClient _http = new() { BaseAddress = new Uri(gatewayUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };

    public string GatewayUrl { get; } = gatewayUrl.TrimEnd('/');

    public async Task<GatewayStatus> StatusAsync(CancellationToken ct) =>
        GatewayStatus.Parse(await _http.GetStringAsync("gateway/status", ct));

    /// <summary>Registers a new user; a refusal is an error naming the gateway's problem details.</summary>
    public async Task<BenchAccount> RegisterAsync(string username, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync("api/auth/register", new { username, password = Password, displayName = username }, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"registering {username} through {GatewayUrl} answered {(int)response.StatusCode}: {text}");
        var body = JsonDocument.Parse(text).RootElement;
        return new BenchAccount(body.GetProperty("userId").GetString()!, username, body.GetProperty("token").GetString()!);
    }

    /// <summary>
    /// POST /api/conversations as <paramref name="creator"/>. Returns the answer's status and the conversation id: 201 (or 200 for
    /// an existing direct conversation) once the sequencer decided, 202 when it has not within the edge's wait (still the id).
    /// </summary>
    public async Task<(HttpStatusCode Status, string? ConversationId, string Body)> CreateConversationAsync(
        BenchAccount creator, string kind, string? title, IEnumerable<BenchAccount> others, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/conversations")
        {
            Content = JsonContent.Create(new { kind, title, members = others.Select(o => o.UserId).ToArray() }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", creator.Token);
        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        string? id = null;
        if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Accepted)
            id = JsonDocument.Parse(text).RootElement.GetProperty("conversationId").GetString();
        return (response.StatusCode, id, text);
    }

    public void Dispose() => _http.Dispose();
}
