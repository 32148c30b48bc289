using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ChatStreams.Fuzz.Tests.Support;

/// <summary>A raw WebSocket through the gateway that sends any bytes and records every frame it gets, and how it closed.</summary>
public sealed class FuzzSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<JsonElement> _frames = [];
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private Task _reader = Task.CompletedTask;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public string? CloseDescription => _socket.CloseStatusDescription;
    public bool Closed { get; private set; }

    public static async Task<FuzzSocket> ConnectAsync(FuzzSystem system, string token)
    {
        var client = new FuzzSocket();
        client._socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        await client._socket.ConnectAsync(new Uri(system.GatewayUrl.Replace("http://", "ws://") + "/ws"), CancellationToken.None);
        client._reader = client.ReadAsync();
        await client.WaitForAsync(f => Type(f) == "ready", 0);
        await client.SendAsync("""{"type":"resume","cursors":{}}"""u8.ToArray());
        await client.WaitForAsync(f => Type(f) == "resumed", 0);
        return client;
    }

    public static string? Type(JsonElement frame) => Str(frame, "type");

    public static string? Str(JsonElement frame, string name) =>
        frame.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public IReadOnlyList<JsonElement> Frames
    {
        get { lock (_frames) return [.. _frames]; }
    }

    public int Count
    {
        get { lock (_frames) return _frames.Count; }
    }

    public async Task SendAsync(byte[] payload, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        await _sendLock.WaitAsync();
        try { await _socket.SendAsync(payload, type, true, CancellationToken.None); }
        finally { _sendLock.Release(); }
    }

    /// <summary>The first frame from index <paramref name="from"/> that matches; null when the socket closed first or time ran out.</summary>
    public async Task<JsonElement?> WaitForAsync(Func<JsonElement, bool> match, int from, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var closed = Closed;
            var frames = Frames;
            for (var i = from; i < frames.Count; i++)
                if (match(frames[i])) return frames[i];
            if (closed || DateTime.UtcNow > deadline) return null;
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Sends a ping and waits for its pong: the edge answers frames in order, so every synchronous answer to what was
    /// sent before is in by then. Returns false when the socket closed (or never answered).
    /// </summary>
    public async Task<bool> BarrierAsync()
    {
        while (true)
        {
            var from = Count;
            if (Closed) return false;
            try { await SendAsync("""{"type":"ping"}"""u8.ToArray()); }
            catch (WebSocketException) { return false; }
            var answer = await WaitForAsync(f => Type(f) == "pong" || (Type(f) == "error" && Str(f, "code") == "rate_limited"), from);
            if (answer is null) return false;
            if (Type(answer.Value) == "pong") return true;
            await Task.Delay(300); // the bucket refills
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (true)
            {
                var count = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), CancellationToken.None);
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

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", new CancellationTokenSource(5000).Token); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        await _reader.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        _socket.Dispose();
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
