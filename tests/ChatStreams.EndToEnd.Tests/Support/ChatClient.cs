using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ChatStreams.EndToEnd.Tests.Support;

/// <summary>One device's WebSocket through the gateway; records every frame it receives, in order.</summary>
public sealed class ChatClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<JsonElement> _frames = [];
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _reader = Task.CompletedTask;

    public ChatUser User { get; }
    public string DeviceId { get; }
    public JsonElement Ready { get; private set; }
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public string? CloseDescription => _socket.CloseStatusDescription;
    public bool Closed { get; private set; }

    private ChatClient(ChatUser user, string deviceId)
    {
        User = user;
        DeviceId = deviceId;
    }

    public static async Task<ChatClient> ConnectAsync(ChatUser user, string? deviceId = null, bool useQueryToken = false)
    {
        var client = new ChatClient(user, deviceId ?? "dev-" + Guid.NewGuid().ToString("N")[..8]);
        var url = user.System.GatewayUrl.Replace("http://", "ws://") + "/ws?deviceId=" + client.DeviceId;
        if (useQueryToken) url += "&access_token=" + user.Token;
        else client._socket.Options.SetRequestHeader("Authorization", "Bearer " + user.Token);
        await client._socket.ConnectAsync(new Uri(url), CancellationToken.None);
        client._reader = client.ReadAsync();
        client.Ready = await client.WaitForAsync(f => Type(f) == "ready");
        return client;
    }

    public static string? Type(JsonElement frame) => frame.TryGetProperty("type", out var t) ? t.GetString() : null;

    public IReadOnlyList<JsonElement> Frames
    {
        get { lock (_frames) return [.. _frames]; }
    }

    /// <summary>Message-bearing frames (every seq position) of a conversation, in arrival order.</summary>
    public IReadOnlyList<JsonElement> Sequenced(string conversationId) => Frames
        .Where(f => f.TryGetProperty("seq", out _) && Type(f) is "message" or "edited" or "deleted" or "reaction" or "conversation" or "member_added" or "member_removed")
        .Where(f => f.GetProperty("conversationId").GetString() == conversationId)
        .ToList();

    public IReadOnlyList<JsonElement> Messages(string conversationId) =>
        Sequenced(conversationId).Where(f => Type(f) == "message").ToList();

    public Task SendAsync(object frame) => SendRawAsync(JsonSerializer.Serialize(frame));

    public async Task SendRawAsync(string text, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        await _sendLock.WaitAsync();
        try { await _socket.SendAsync(Encoding.UTF8.GetBytes(text), type, true, CancellationToken.None); }
        finally { _sendLock.Release(); }
    }

    public Task<JsonElement> SendMessageAsync(string conversationId, string id, string body) =>
        SendAndWaitAsync(new { type = "send", id, conversationId, body }, f => Type(f) == "ack" && Str(f, "id") == id);

    public async Task<JsonElement> SendAndWaitAsync(object frame, Func<JsonElement, bool> reply, TimeSpan? timeout = null)
    {
        var seen = Frames.Count;
        await SendAsync(frame);
        return await WaitForAsync(reply, timeout, seen);
    }

    public static string? Str(JsonElement frame, string name) =>
        frame.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The first frame (from index <paramref name="from"/>) matching; fails with everything received when none comes in time.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null, int from = 0)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var frames = Frames;
            for (var i = from; i < frames.Count; i++)
                if (match(frames[i])) return frames[i];
            if (DateTime.UtcNow > deadline || (Closed && frames.Count == Frames.Count))
                throw new TimeoutException($"{User.Username}/{DeviceId}: no matching frame; received {frames.Count}:\n" +
                    string.Join('\n', frames.Where(f => Type(f) is not ("receipt" or "presence" or "typing")).TakeLast(40).Select(f => f.GetRawText())) + (Closed ? $"\n(closed: {CloseStatus} {CloseDescription})" : ""));
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until the conversation's sequenced frames reach <paramref name="seq"/>.</summary>
    public Task WaitForSeqAsync(string conversationId, long seq, TimeSpan? timeout = null) =>
        WaitForAsync(f => f.TryGetProperty("seq", out var s) && s.ValueKind == JsonValueKind.Number && s.GetInt64() >= seq
            && Str(f, "conversationId") == conversationId && Type(f) is not ("ack" or "receipt"), timeout);

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var count = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    count += result.Count;
                } while (!result.EndOfMessage);
                var frame = JsonDocument.Parse(buffer.AsMemory(0, count)).RootElement.Clone();
                lock (_frames) _frames.Add(frame);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        finally { Closed = true; }
    }

    /// <summary>Drops the TCP connection without a close handshake (a phone losing its network).</summary>
    public void Abort() => _socket.Abort();

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", new CancellationTokenSource(5000).Token); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        await _reader.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _stop.Cancel();
        _socket.Dispose();
    }
}
