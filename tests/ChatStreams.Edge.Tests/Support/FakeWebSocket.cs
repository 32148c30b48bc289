using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace ChatStreams.Edge.Tests.Support;

/// <summary>
/// The client end of a connection, in memory: the test queues the messages the edge receives and reads the frames
/// the edge sent. With <see cref="StallSends"/> the client stops reading: every send waits until it is cancelled,
/// which aborts the socket as <c>ManagedWebSocket</c> does. Abort fails a pending receive, as it does on a real socket.
/// </summary>
internal sealed class FakeWebSocket : WebSocket
{
    private readonly Channel<(byte[] Data, WebSocketMessageType Type)> _incoming = Channel.CreateUnbounded<(byte[], WebSocketMessageType)>();
    private readonly List<string> _sent = [];
    private byte[]? _current;
    private WebSocketMessageType _currentType;
    private int _offset;
    private WebSocketState _state = WebSocketState.Open;
    private WebSocketCloseStatus? _closeStatus;
    private string? _closeDescription;

    public bool StallSends { get; set; }

    /// <summary>Whether the client answers the edge's close frame with its own, as a polite client does.</summary>
    public bool AnswersClose { get; set; } = true;

    /// <summary>Sends that started waiting because of <see cref="StallSends"/>.</summary>
    public int StalledSends;

    /// <summary>The status the edge closed with (its close frame), null while it has not closed.</summary>
    public override WebSocketCloseStatus? CloseStatus => _closeStatus;
    public override string? CloseStatusDescription => _closeDescription;
    public override string? SubProtocol => null;
    public override WebSocketState State => _state;

    public void Receive(string text) => _incoming.Writer.TryWrite((Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text));

    public void Receive(byte[] data, WebSocketMessageType type) => _incoming.Writer.TryWrite((data, type));

    public void ReceiveClose() => _incoming.Writer.TryWrite(([], WebSocketMessageType.Close));

    public IReadOnlyList<string> Sent
    {
        get { lock (_sent) return [.. _sent]; }
    }

    public IReadOnlyList<JsonElement> Frames => Sent.Select(s => JsonDocument.Parse(s).RootElement.Clone()).ToList();

    public static string Type(JsonElement frame) => frame.GetProperty("type").GetString()!;

    /// <summary>Waits until <paramref name="count"/> frames were sent; fails with what was sent after a generous deadline.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForFramesAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Sent.Count < count)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"expected {count} frames, got {Sent.Count}:\n{string.Join('\n', Sent)}");
            await Task.Delay(5);
        }
        return Frames;
    }

    /// <summary>The first frame at or after <paramref name="from"/> matching; fails after a generous deadline.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, int from = 0)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var frames = Frames;
            for (var i = from; i < frames.Count; i++)
                if (match(frames[i])) return frames[i];
            if (DateTime.UtcNow > deadline) Assert.Fail($"no matching frame; got {frames.Count}:\n{string.Join('\n', Sent)}");
            await Task.Delay(5);
        }
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        if (_current is null)
        {
            (byte[] Data, WebSocketMessageType Type) next;
            try { next = await _incoming.Reader.ReadAsync(cancellationToken); }
            catch (ChannelClosedException e) when (e.InnerException is WebSocketException aborted) { throw aborted; }
            var (data, type) = next;
            if (type == WebSocketMessageType.Close)
            {
                _state = _state == WebSocketState.CloseSent ? WebSocketState.Closed : WebSocketState.CloseReceived;
                return new WebSocketReceiveResult(0, WebSocketMessageType.Close, true, WebSocketCloseStatus.NormalClosure, "bye");
            }
            (_current, _currentType, _offset) = (data, type, 0);
        }
        var count = Math.Min(buffer.Count, _current.Length - _offset);
        _current.AsSpan(_offset, count).CopyTo(buffer.AsSpan());
        _offset += count;
        var type2 = _currentType;
        var end = _offset == _current.Length;
        if (end) _current = null;
        return new WebSocketReceiveResult(count, type2, end);
    }

    public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        Assert.Equal(WebSocketMessageType.Text, messageType);
        Assert.True(endOfMessage);
        if (_state is not (WebSocketState.Open or WebSocketState.CloseReceived)) throw new WebSocketException("the socket is closed");
        if (StallSends)
        {
            Interlocked.Increment(ref StalledSends);
            try { await Task.Delay(Timeout.Infinite, cancellationToken); }
            catch (OperationCanceledException)
            {
                Abort();
                throw;
            }
        }
        lock (_sent) _sent.Add(Encoding.UTF8.GetString(buffer));
    }

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
    {
        _closeStatus = closeStatus;
        _closeDescription = statusDescription;

        _state = _state == WebSocketState.CloseReceived ? WebSocketState.Closed : WebSocketState.CloseSent;
        if (AnswersClose && _state == WebSocketState.CloseSent) ReceiveClose();
        return Task.CompletedTask;
    }

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Abort()
    {
        _state = WebSocketState.Aborted;
        _incoming.Writer.TryComplete(new WebSocketException(WebSocketError.ConnectionClosedPrematurely));
    }

    public override void Dispose() { }
}
