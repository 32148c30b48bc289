using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ChatStreams.Bench.Edge;

/// <summary>A message frame as one device received it, timed when its last byte arrived.</summary>
/// <param name="SentAt">The send timestamp stamped in its body; null for a body the benchmark did not write.</param>
public sealed record ReceivedMessage(string ConversationId, long Seq, string? Id, long? SentAt, long ArrivedAt);

/// <summary>An ack frame: the send with this id is durable in Kafka (or, with <paramref name="Duplicate"/>, was a resend).</summary>
public sealed record ReceivedAck(string Id, bool Duplicate, long ArrivedAt);

/// <summary>
/// One device's WebSocket through the gateway, as a client opens it (GET /ws, bearer token, deviceId), recording the
/// frames the benchmark measures: acks, messages, errors. Every frame is timed as it is read, before it is parsed.
/// </summary>
public sealed class ChatSocket : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<ReceivedMessage> _messages = [];
    private readonly List<ReceivedAck> _acks = [];
    private readonly List<string> _errors = [];
    private readonly ConcurrentDictionary<string, byte> _conversations = new(StringComparer.Ordinal);
    private Task _reader = Task.CompletedTask;
    private int _messageCount;
    private int _ackCount;
    private volatile bool _closed;
    private volatile bool _closing;

    public BenchAccount Account { get; }
    public string DeviceId { get; }

    /// <summary>The edge the gateway put this socket on (from the ready frame).</summary>
    public string Edge { get; private set; } = "";

    public int MessageCount => Volatile.Read(ref _messageCount);
    public int AckCount => Volatile.Read(ref _ackCount);
    public bool Closed => _closed;

    /// <summary>When set, message frames go here as they arrive and neither they nor acks are kept (long load runs).</summary>
    private readonly Action<ReceivedMessage>? _onMessage;
    private readonly Action<ReceivedAck>? _onAck;

    private ChatSocket(BenchAccount account, string deviceId, Action<ReceivedMessage>? onMessage, Action<ReceivedAck>? onAck)
    {
        Account = account;
        DeviceId = deviceId;
        _onMessage = onMessage;
        _onAck = onAck;
    }

    /// <summary>
    /// Connects, waits for the ready frame and sends a resume right away, as the protocol asks of a client: empty, or
    /// with <paramref name="cursors"/> (the last seq held per conversation) when the device comes back.
    /// </summary>
    /// <param name="onMessage">Receives each message frame instead of <see cref="Messages"/> keeping it.</param>
    /// <param name="onAck">With <paramref name="onMessage"/>: receives each ack instead of <see cref="Acks"/> keeping it.</param>
    public static async Task<ChatSocket> ConnectAsync(string gatewayUrl, BenchAccount account, string deviceId, CancellationToken ct,
        IReadOnlyDictionary<string, long>? cursors = null, Action<ReceivedMessage>? onMessage = null, Action<ReceivedAck>? onAck = null)
    {
        var socket = new ChatSocket(account, deviceId, onMessage, onAck);
        try
        {
            var url = new UriBuilder(gatewayUrl.TrimEnd('/') + "/ws") { Query = "deviceId=" + Uri.EscapeDataString(deviceId) };
            url.Scheme = url.Scheme == "https" ? "wss" : "ws";
            socket._socket.Options.SetRequestHeader("Authorization", "Bearer " + account.Token);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(ConnectTimeout);
            try
            {
                await socket._socket.ConnectAsync(url.Uri, timeout.Token);
                socket._reader = socket.ReadAsync();
                socket.Edge = await socket._ready.Task.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"{account.Username}/{deviceId}: no ready frame within {ConnectTimeout.TotalSeconds:0} s of connecting to {url.Uri}");
            }
            await socket.SendTextAsync(JsonSerializer.Serialize(new { type = "resume", cursors = cursors ?? new Dictionary<string, long>() }), ct);
            return socket;
        }
        catch
        {
            await socket.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether this device got the conversation's first frame (seq 1, "conversation"): the fan-out delivers to it.</summary>
    public bool HasJoined(string conversationId) => _conversations.ContainsKey(conversationId);

    public IReadOnlyList<ReceivedMessage> Messages
    {
        get { lock (_messages) return [.. _messages]; }
    }

    public IReadOnlyList<ReceivedAck> Acks
    {
        get { lock (_acks) return [.. _acks]; }
    }

    /// <summary>Error and reconnect frames, and how the socket ended if it did: each a line for the report.</summary>
    public IReadOnlyList<string> Errors
    {
        get { lock (_errors) return [.. _errors]; }
    }

    public async Task SendTextAsync(string text, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct);
        try { await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct); }
        finally { _sendLock.Release(); }
    }

    private async Task ReadAsync()
    {
        var frame = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                frame.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(frame.GetMemory(4096), _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        if (!_closing) Fail($"closed by the server: {_socket.CloseStatus} {_socket.CloseStatusDescription}");
                        return;
                    }
                    frame.Advance(result.Count);
                } while (!result.EndOfMessage);
                var arrivedAt = Stopwatch.GetTimestamp();
                Handle(frame.WrittenMemory, arrivedAt);
            }
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException e) when (!_closing) { Fail($"connection lost: {e.Message}"); }
        catch (WebSocketException) { }
        finally
        {
            _closed = true;
            _ready.TrySetException(new InvalidOperationException($"{Account.Username}/{DeviceId}: the socket ended before its ready frame: {string.Join("; ", Errors)}"));
        }
    }

    private void Handle(ReadOnlyMemory<byte> json, long arrivedAt)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e)
        {
            Fail($"a frame that is not JSON ({e.Message})");
            return;
        }
        using (document)
        {
            var frame = document.RootElement;
            switch (Text(frame, "type"))
            {
                case "ready":
                    _ready.TrySetResult(Text(frame, "edge") ?? "?");
                    break;
                case "ack" when Text(frame, "id") is { } id:
                    var ack = new ReceivedAck(id, frame.TryGetProperty("duplicate", out var d) && d.ValueKind == JsonValueKind.True, arrivedAt);
                    if (_onMessage is not null) _onAck?.Invoke(ack);
                    else lock (_acks) _acks.Add(ack);
                    Interlocked.Increment(ref _ackCount);
                    break;
                case "message":
                    var body = Text(frame, "body");
                    var message = new ReceivedMessage(Text(frame, "conversationId") ?? "", frame.TryGetProperty("seq", out var seq) && seq.ValueKind == JsonValueKind.Number && seq.TryGetInt64(out var n) ? n : -1,
                        Text(frame, "id"), MessageStamp.TryRead(body, out var sentAt) ? sentAt : null, arrivedAt);
                    if (_onMessage is not null) _onMessage(message);
                    else lock (_messages) _messages.Add(message);
                    Interlocked.Increment(ref _messageCount);
                    break;
                case "conversation" when Text(frame, "conversationId") is { } conversation:
                    _conversations.TryAdd(conversation, 0);
                    break;
                case "error":
                    Fail($"error {Text(frame, "code")}: {Text(frame, "message")}{(Text(frame, "id") is { } about ? $" (id {about})" : "")}");
                    break;
                case "reconnect":
                    Fail($"reconnect ({Text(frame, "reason")}): {Text(frame, "message")}");
                    break;
            }
        }
    }

    private void Fail(string what)
    {
        lock (_errors) _errors.Add($"{Account.Username}/{DeviceId} on {(Edge.Length > 0 ? Edge : "?")}: {what}");
    }

    private static string? Text(JsonElement frame, string name) =>
        frame.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Drops the connection as a network failure would: no close handshake, nothing reported as an error.</summary>
    public void Abort()
    {
        _closing = true;
        _socket.Abort();
    }

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        if (_socket.State == WebSocketState.Open)
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "benchmark done", patience.Token); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        await _stop.CancelAsync();
        try { await _reader.WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (TimeoutException) { }
        _socket.Dispose();
        _stop.Dispose();
        _sendLock.Dispose();
    }
}
