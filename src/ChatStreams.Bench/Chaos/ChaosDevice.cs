using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ChatStreams.Bench.Edge;

namespace ChatStreams.Bench.Chaos;

/// <summary>One message frame as a device received it (live or back-filled by a resume).</summary>
public sealed record DeviceArrival(long Seq, string? Id, long ArrivedAt);

/// <summary>
/// A device that behaves as the protocol asks a client to (§11): when its socket drops — an edge or the gateway
/// killed, a reconnect frame, or the campaign cutting it — it reconnects through the gateway with growing backoff,
/// resumes every conversation from the last seq it holds, and resends every send not yet acked with the same id.
/// It records every message frame per conversation in arrival order, so the campaign can check "seq 1..N exactly
/// once, in order" on what the device really saw.
/// </summary>
public sealed class ChaosDevice : IAsyncDisposable
{
    private static readonly TimeSpan ResendAfter = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    private readonly string _gatewayUrl;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<string, List<DeviceArrival>> _arrivals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _cursors = new(StringComparer.Ordinal);
    /// <summary>Sends not yet acked: id → (conversation, body, last time it went out).</summary>
    private readonly ConcurrentDictionary<string, (string Conversation, string Body, long LastSent)> _unacked = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _errorCodes = new(StringComparer.Ordinal);
    private readonly Random _jitter;
    private ClientWebSocket? _socket;
    private Task _life = Task.CompletedTask;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _connects;
    private int _resends;

    public BenchAccount Account { get; }
    public string DeviceId { get; }

    public ChaosDevice(string gatewayUrl, BenchAccount account, string deviceId, int seed)
    {
        _gatewayUrl = gatewayUrl.TrimEnd('/');
        Account = account;
        DeviceId = deviceId;
        _jitter = new Random(seed);
    }

    /// <summary>Successful connects (the first included): 1 + the reconnects the faults caused.</summary>
    public int Connects => Volatile.Read(ref _connects);
    public int Resends => Volatile.Read(ref _resends);
    public int Unacked => _unacked.Count;
    public bool IsConnected => _socket?.State == WebSocketState.Open && _connected.Task.IsCompletedSuccessfully;
    /// <summary>Error frames by code, plus "connect_failed" (a connect that did not get through) and "reconnect_frame".</summary>
    public IReadOnlyDictionary<string, int> ErrorCodes => _errorCodes;

    /// <summary>The message frames of one conversation in the order they arrived.</summary>
    public IReadOnlyList<DeviceArrival> Arrivals(string conversationId)
    {
        if (!_arrivals.TryGetValue(conversationId, out var list)) return [];
        lock (list) return [.. list];
    }

    /// <summary>Highest seq held per conversation (what the next resume sends).</summary>
    public long Cursor(string conversationId) => _cursors.GetValueOrDefault(conversationId);

    /// <summary>Frames received by type (diagnostics of a failed check).</summary>
    public ConcurrentDictionary<string, int> FrameCounts { get; } = new(StringComparer.Ordinal);

    /// <summary>The acks this device got, with the time they arrived (the first one per id).</summary>
    public ConcurrentDictionary<string, long> Acked { get; } = new(StringComparer.Ordinal);

    /// <summary>Starts the connect/read/reconnect loop; completes once the first connection is ready.</summary>
    public async Task StartAsync(IEnumerable<string> conversations, CancellationToken ct)
    {
        foreach (var conversation in conversations) _cursors.TryAdd(conversation, 0);
        _life = Task.Run(() => LiveAsync(_stop.Token), CancellationToken.None);
        await _connected.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
    }

    /// <summary>Sends a message now if connected; either way it is resent until acked.</summary>
    public async Task SendAsync(string id, string conversationId, string body, CancellationToken ct)
    {
        _unacked[id] = (conversationId, body, Stopwatch.GetTimestamp());
        await TrySendAsync(SendFrame(id, conversationId, body), ct);
    }

    /// <summary>Cuts the connection without a close handshake, as a phone losing its network does.</summary>
    public void Drop()
    {
        try { _socket?.Abort(); } catch (ObjectDisposedException) { }
    }

    /// <summary>Resends sends without an ack for a while (an ack lost with a killed edge, a rate_limited answer).</summary>
    public async Task ResendOverdueAsync(CancellationToken ct)
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var (id, send) in _unacked.OrderBy(s => s.Value.LastSent).Take(8).ToArray())
        {
            if (Stopwatch.GetElapsedTime(send.LastSent, now) < ResendAfter) continue;
            _unacked[id] = send with { LastSent = now };
            Interlocked.Increment(ref _resends);
            await TrySendAsync(SendFrame(id, send.Conversation, send.Body), ct);
        }
    }

    private async Task LiveAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!ct.IsCancellationRequested)
        {
            using var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", "Bearer " + Account.Token);
            var url = new UriBuilder(_gatewayUrl + "/ws") { Query = "deviceId=" + Uri.EscapeDataString(DeviceId) };
            url.Scheme = url.Scheme == "https" ? "wss" : "ws";
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(15));
                await socket.ConnectAsync(url.Uri, timeout.Token);
                _socket = socket;
                await ReadAsync(socket, ct);
                backoff = TimeSpan.FromMilliseconds(100);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or HttpRequestException or JsonException)
            {
                if (ct.IsCancellationRequested) return;
                _errorCodes.AddOrUpdate("connect_failed", 1, (_, n) => n + 1);
            }
            finally
            {
                _socket = null;
                if (_connected.Task.IsCompleted) _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            if (ct.IsCancellationRequested) return;
            // Jittered, growing backoff: a fleet that lost an edge at once does not come back in lockstep.
            var wait = backoff * (0.5 + _jitter.NextDouble());
            try { await Task.Delay(wait, ct); } catch (OperationCanceledException) { return; }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private async Task ReadAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var frame = new ArrayBufferWriter<byte>(4096);
        while (!ct.IsCancellationRequested && socket.State == WebSocketState.Open)
        {
            frame.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(frame.GetMemory(4096), ct);
                if (result.MessageType == WebSocketMessageType.Close) return;
                frame.Advance(result.Count);
            } while (!result.EndOfMessage);
            await HandleAsync(socket, frame.WrittenMemory, Stopwatch.GetTimestamp(), ct);
        }
    }

    private async Task HandleAsync(ClientWebSocket socket, ReadOnlyMemory<byte> json, long arrivedAt, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(json);
        var frame = document.RootElement;
        FrameCounts.AddOrUpdate(Text(frame, "type") ?? "?", 1, (_, k) => k + 1);
        switch (Text(frame, "type"))
        {
            case "ready":
                // Resume first (the edge holds conversation events back until the first frame), then resend what
                // is not acked, in the order it was sent, with the same ids: the sequencer drops what it already has.
                var cursors = string.Join(',', _cursors.Select(c => $"{JsonSerializer.Serialize(c.Key)}:{c.Value}"));
                await SendOnAsync(socket, "{\"type\":\"resume\",\"cursors\":{" + cursors + "}}", ct);
                foreach (var (id, send) in _unacked.OrderBy(s => s.Value.LastSent).ToArray())
                {
                    Interlocked.Increment(ref _resends);
                    await SendOnAsync(socket, SendFrame(id, send.Conversation, send.Body), ct);
                }
                Interlocked.Increment(ref _connects);
                _connected.TrySetResult();
                break;
            case "ack" when Text(frame, "id") is { } id:
                Acked.TryAdd(id, arrivedAt);
                _unacked.TryRemove(id, out _);
                break;
            case "message" when Text(frame, "conversationId") is { } conversation:
                var seq = frame.TryGetProperty("seq", out var s) && s.TryGetInt64(out var n) ? n : -1;
                var list = _arrivals.GetOrAdd(conversation, _ => []);
                lock (list) list.Add(new DeviceArrival(seq, Text(frame, "id"), arrivedAt));
                _cursors.AddOrUpdate(conversation, seq, (_, held) => Math.Max(held, seq));
                break;
            case "conversation" when Text(frame, "conversationId") is { } created:
                var createdSeq = frame.TryGetProperty("seq", out var cs) && cs.TryGetInt64(out var c) ? c : 1;
                _cursors.AddOrUpdate(created, createdSeq, (_, held) => Math.Max(held, createdSeq));
                break;
            case "error":
                _errorCodes.AddOrUpdate(Text(frame, "code") ?? "?", 1, (_, k) => k + 1);
                break;
            case "reconnect":
                _errorCodes.AddOrUpdate("reconnect_frame", 1, (_, k) => k + 1);
                break;
        }
    }

    private async Task TrySendAsync(string text, CancellationToken ct)
    {
        if (_socket is not { State: WebSocketState.Open } socket || !_connected.Task.IsCompletedSuccessfully) return;
        try { await SendOnAsync(socket, text, ct); }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException) { }
    }

    private async Task SendOnAsync(ClientWebSocket socket, string text, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct);
        try { await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct); }
        finally { _sendLock.Release(); }
    }

    private static string SendFrame(string id, string conversationId, string body) =>
        JsonSerializer.Serialize(new { type = "send", id, conversationId, body });

    private static string? Text(JsonElement frame, string name) =>
        frame.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_socket is { State: WebSocketState.Open } socket)
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try { await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "campaign done", patience.Token); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        }
        try { await _life.WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
