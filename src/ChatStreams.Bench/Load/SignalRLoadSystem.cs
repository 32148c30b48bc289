using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChatStreams.Bench.Edge;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace ChatStreams.Bench.Load;

/// <summary>
/// The baseline: a minimal ASP.NET Core SignalR chat (src/ChatStreams.Bench.SignalRBaseline) with a Redis backplane, two
/// instances, clients spread over them. Registration hashes the password (ASP.NET Core Identity's PBKDF2) and returns a
/// signed token, as ChatStreams' does with Argon2id and a JWT.
/// </summary>
public sealed class SignalRLoadSystem : ILoadSystem
{
    private const string Password = "load benchmark password";
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private BaselineServers? _servers;
    private int _next;

    public string Name => "SignalR + Redis";

    public string Description =>
        $"{BaselineServers.Instances} instances of a minimal ASP.NET Core SignalR chat (one hub: join a conversation's group after a membership check in Redis, " +
        "send to the group) with the Microsoft.AspNetCore.SignalR.StackExchangeRedis backplane on a redis-server without persistence; users and " +
        "memberships in Redis; clients connect straight to an instance (WebSockets, no proxy), alternately.";

    public IReadOnlyList<int> ProcessIds => _servers?.ProcessIds ?? [];

    private IReadOnlyList<string> Urls => _servers?.Urls ?? throw new InvalidOperationException("the system is not started");

    public async Task StartAsync(TextWriter progress, CancellationToken ct) => _servers = await BaselineServers.StartAsync(progress, ct);

    private string NextUrl() => Urls[Interlocked.Increment(ref _next) % Urls.Count];

    public async Task<BenchAccount> RegisterAsync(string username, CancellationToken ct)
    {
        var url = NextUrl();
        using var response = await _http.PostAsJsonAsync(url + "/api/auth/register", new { username, password = Password }, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"registering {username} at {url} answered {(int)response.StatusCode}: {text}");
        var body = JsonDocument.Parse(text).RootElement;
        return new BenchAccount(body.GetProperty("userId").GetString()!, username, body.GetProperty("token").GetString()!);
    }

    public async Task<string> CreateConversationAsync(BenchAccount creator, IReadOnlyList<BenchAccount> others, CancellationToken ct)
    {
        var url = NextUrl();
        using var request = new HttpRequestMessage(HttpMethod.Post, url + "/api/conversations")
        {
            Content = JsonContent.Create(new { kind = others.Count == 1 ? "direct" : "group", members = others.Select(o => o.UserId).ToArray() }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", creator.Token);
        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"creating a conversation at {url} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("conversationId").GetString()!;
    }

    public async Task<ILoadClient> ConnectAsync(BenchAccount account, int index, Action<Delivery> onDelivery, CancellationToken ct)
    {
        var client = new SignalRLoadClient(Urls[index % Urls.Count] + "/chat", account, index, onDelivery);
        await client.ResumeAsync(ct);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_servers is not null) await _servers.DisposeAsync();
    }
}

/// <summary>
/// A SignalR client as the baseline's users would have one: after a drop it connects again and rejoins its groups;
/// what was sent meanwhile is gone (SignalR keeps nothing), and a send whose connection dropped is not retried (no
/// dedup on the server, so a retry could deliver twice).
/// </summary>
public sealed class SignalRLoadClient(string hubUrl, BenchAccount account, int index, Action<Delivery> onDelivery) : ILoadClient
{
    private readonly List<string> _joined = [];
    private readonly List<string> _errors = [];
    private HubConnection? _connection;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _accepted;

    public long Accepted => Interlocked.Read(ref _accepted);

    public IReadOnlyList<string> Errors
    {
        get { lock (_errors) return [.. _errors]; }
    }

    public async Task JoinAsync(IReadOnlyList<string> conversationIds, CancellationToken ct)
    {
        foreach (var id in conversationIds)
        {
            await _connection!.InvokeAsync("Join", id, ct);
            lock (_joined) _joined.Add(id);
        }
    }

    public async Task SendAsync(string conversationId, string messageId, string body, CancellationToken ct)
    {
        await _connected.Task.WaitAsync(ct);
        var invocation = _connection!.InvokeAsync("Send", conversationId, messageId, body, ct);
        _ = invocation.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) Interlocked.Increment(ref _accepted);
            else Fail($"send {messageId} failed: {t.Exception?.GetBaseException().Message ?? "cancelled"}");
        }, TaskScheduler.Default);
    }

    public void Drop()
    {
        _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dropped = _connection;
        _connection = null;
        // HubConnection has no abort: the server sees the socket close and takes the connection out of its groups, as after a network drop.
        if (dropped is not null) _ = dropped.DisposeAsync().AsTask();
    }

    public async Task ResumeAsync(CancellationToken ct)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(hubUrl, o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(account.Token);
            })
            .Build();
        connection.On<string, string, string, string>("message", (conversationId, _, id, body) =>
        {
            var arrivedAt = Stopwatch.GetTimestamp();
            onDelivery(new Delivery(index, conversationId, id, MessageStamp.TryRead(body, out var stamp) ? stamp : null, arrivedAt));
        });
        connection.Closed += e =>
        {
            if (e is not null) Fail($"connection closed: {e.Message}");
            return Task.CompletedTask;
        };
        await connection.StartAsync(ct);
        List<string> joined;
        lock (_joined) joined = [.. _joined];
        foreach (var id in joined) await connection.InvokeAsync("Join", id, ct);
        _connection = connection;
        _connected.TrySetResult();
    }

    private void Fail(string what)
    {
        lock (_errors) _errors.Add($"{account.Username} (client {index}): {what}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
    }
}
