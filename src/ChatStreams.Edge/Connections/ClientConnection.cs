using System.Net.WebSockets;
using System.Threading.Channels;
using System.Threading.RateLimiting;
using ChatStreams.Edge.Frames;
using ChatStreams.Edge.History;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Edge.Connections;

/// <summary>
/// One client's WebSocket at this edge. Two loops share it: the inbound loop reads, limits and parses client frames
/// and hands them to the <see cref="ClientFrameHandler"/>; the outbound pump is the only writer, fed through a
/// bounded queue. A client that lets the queue fill up is disconnected as a slow consumer (it resumes later); a
/// bad frame only costs an error frame.
/// </summary>
public sealed partial class ClientConnection : ILiveTailFollower, ILateResumer
{
    private readonly WebSocket _socket;
    private readonly EdgeOptions _options;
    private readonly IConversationHistory _history;
    private readonly ILogger _logger;
    private readonly Channel<OutboundItem> _outbound;
    private readonly CancellationTokenSource _stop = new();
    private readonly RateLimiter _connectionRate;
    private readonly RateLimiter _userRate;
    private readonly EdgeMetrics? _metrics;
    private readonly LiveTailWatch? _liveTail;
    private readonly LateResumes? _lateResumes;
    private string? _closeReason;
    private string _closeMessage = "";
    private WebSocketCloseStatus _closeStatus = WebSocketCloseStatus.NormalClosure;

    public ClientConnection(WebSocket socket, string userId, string deviceId, EdgeOptions options, IConversationHistory history,
        RateLimiter connectionRate, RateLimiter userRate, ILogger logger, EdgeMetrics? metrics = null, LiveTailWatch? liveTail = null,
        LateResumes? lateResumes = null)
    {
        _metrics = metrics;
        _liveTail = liveTail;
        _lateResumes = lateResumes;
        _socket = socket;
        UserId = userId;
        DeviceId = deviceId;
        ConnectionId = Guid.NewGuid().ToString("N");
        _options = options;
        _history = history;
        _connectionRate = connectionRate;
        _userRate = userRate;
        _logger = logger;
        _outbound = Channel.CreateBounded<OutboundItem>(new BoundedChannelOptions(options.SendQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of dropping silently
        });
    }

    public string UserId { get; }
    public string DeviceId { get; }
    public string ConnectionId { get; }

    /// <summary>Why the connection ended (client_closed, slow_consumer, edge_draining, ...).</summary>
    public string CloseReason => _closeReason ?? CloseReasons.ClientClosed;

    public void Send(byte[] frame) => Enqueue(new OutboundItem.Frame(frame));

    /// <summary>A delivery from this edge's topic: one or more frames, sequenced events through the ordering.</summary>
    public void Deliver(Delivery delivery)
    {
        switch (delivery.Payload)
        {
            case ChatEvent chatEvent:
                Enqueue(new OutboundItem.Event(chatEvent));
                // The issuer's receipt that came with their own event: the same frames a receipt delivery would bring.
                if (delivery.WithIssuerReceipt && chatEvent.IssuerReceipt is { } receipt)
                    foreach (var frame in ServerFrames.Receipts(receipt)) Send(frame);
                break;
            case ReceiptUpdate update:
                foreach (var frame in ServerFrames.Receipts(update)) Send(frame);
                break;
            case PresenceChange change:
                Send(ServerFrames.Presence(change));
                break;
            case CommandOutcome { Status: CommandStatus.Rejected } rejected:
                Send(ServerFrames.Error(rejected.Code ?? "rejected", rejected.Reason ?? "the command was refused", rejected.ClientMessageId, delivery.ConversationId));
                break;
            case CommandOutcome outcome:
                Send(ServerFrames.Ack(outcome.ClientMessageId, delivery.ConversationId ?? "", outcome.Seq, outcome.Status == CommandStatus.Duplicate));
                break;
        }
    }

    /// <summary>Tells the client to reconnect (elsewhere) and closes the socket once the frames before it are out.</summary>
    public void RequestClose(string reason, string message, WebSocketCloseStatus status = WebSocketCloseStatus.EndpointUnavailable) =>
        Enqueue(new OutboundItem.Close(reason, message, status));

    internal void Enqueue(OutboundItem item)
    {
        if (_outbound.Writer.TryWrite(item)) return;
        if (_stop.IsCancellationRequested) return;
        _logger.LogWarning("Connection {Connection} of user {User} fell {Capacity} frames behind; disconnecting it as a slow consumer.",
            ConnectionId, UserId, _options.SendQueueCapacity);
        Stop(CloseReasons.SlowConsumer, $"more than {_options.SendQueueCapacity} frames were waiting for this client; reconnect and resume", WebSocketCloseStatus.PolicyViolation);
    }

    private void Stop(string reason, string message, WebSocketCloseStatus status)
    {
        lock (_stop)
        {
            if (_closeReason is not null) return;
            _closeReason = reason;
            _closeMessage = message;
            _closeStatus = status;
        }
        _stop.Cancel();
    }

    /// <summary>
    /// Runs the connection until the client closes, the edge closes it, or <paramref name="aborted"/> fires. Frames
    /// sent before this call (ready) are already in the queue.
    /// </summary>
    /// <remarks>
    /// Only the pump is ever cancelled: cancelling a pending receive would abort the socket, and then the client
    /// could not be sent the close frame with the reason. The reader ends with the client's close (or an abort).
    /// </remarks>
    public async Task RunAsync(ClientFrameHandler handler, CancellationToken aborted)
    {
        using var link = aborted.Register(() => Stop(CloseReasons.Error, "the edge stopped", WebSocketCloseStatus.EndpointUnavailable));
        var pump = PumpAsync(_stop.Token);
        var reader = ReadAsync(handler, aborted);
        _ = ReleaseAfterGraceAsync(_stop.Token);
        if (await Task.WhenAny(pump, reader) == reader)
        {
            if (aborted.IsCancellationRequested) Stop(CloseReasons.Error, "the edge stopped", WebSocketCloseStatus.EndpointUnavailable);
            else Stop(CloseReasons.ClientClosed, "", WebSocketCloseStatus.NormalClosure);
        }
        await Quietly(pump);
        // The pump has stopped: this is now the only writer.
        await CloseSocketAsync();
        if (await Task.WhenAny(reader, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)) != reader) _socket.Abort();
        await Quietly(reader);
        _outbound.Writer.TryComplete();
        _liveTail?.Forget(this, _sent.Keys);
    }

    private async Task Quietly(Task task)
    {
        try { await task; }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException or IOException) { }
        catch (Exception e)
        {
            // A bug must cost this one connection, not the edge.
            _logger.LogError(e, "Connection {Connection} of user {User} failed.", ConnectionId, UserId);
            lock (_stop) _closeReason ??= CloseReasons.Error;
        }
    }

    /// <summary>
    /// Closes the socket when the access token it was opened with expires: a socket never outlives its credentials.
    /// The client logs in again and reconnects with resume.
    /// </summary>
    public void ExpireAt(DateTimeOffset expires, TimeProvider clock)
    {
        var left = expires - clock.GetUtcNow();
        _ = ExpireAsync(left < TimeSpan.Zero ? TimeSpan.Zero : left, _stop.Token);
    }

    private async Task ExpireAsync(TimeSpan left, CancellationToken ct)
    {
        try
        {
            await Task.Delay(left, ct);
            Refuse(ErrorCodes.Unauthorized, "your access token expired; log in again and reconnect with resume");
            RequestClose(CloseReasons.TokenExpired, "the access token expired", WebSocketCloseStatus.PolicyViolation);
        }
        catch (OperationCanceledException) { }
    }

    private async Task ReleaseAfterGraceAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(_options.ResumeGrace, ct);
            Enqueue(new OutboundItem.Release());
        }
        catch (OperationCanceledException) { }
    }

    private async Task CloseSocketAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await _socket.CloseOutputAsync(_closeStatus, Truncate(CloseReason == CloseReasons.ClientClosed ? "bye" : CloseReason + ": " + _closeMessage), timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    /// <summary>A close reason is limited to 123 UTF-8 bytes by RFC 6455.</summary>
    private static string Truncate(string reason)
    {
        while (System.Text.Encoding.UTF8.GetByteCount(reason) > 123) reason = reason[..^1];
        return reason;
    }

    private Task SendAsync(byte[] frame, CancellationToken ct) =>
        _socket.SendAsync(new ReadOnlyMemory<byte>(frame), WebSocketMessageType.Text, endOfMessage: true, ct).AsTask();
}
