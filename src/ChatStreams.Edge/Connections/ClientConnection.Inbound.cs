using System.Net.WebSockets;
using ChatStreams.Edge.Frames;

namespace ChatStreams.Edge.Connections;

public sealed partial class ClientConnection
{
    /// <summary>Reads whole messages up to the frame limit; every problem with one is answered on the socket, which stays open.</summary>
    private async Task ReadAsync(ClientFrameHandler handler, CancellationToken ct)
    {
        var buffer = new byte[_options.MaxFrameBytes];
        var spoken = false;
        while (!ct.IsCancellationRequested)
        {
            var count = 0;
            var tooLarge = false;
            WebSocketReceiveResult received;
            while (true)
            {
                received = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), ct);
                if (received.MessageType == WebSocketMessageType.Close) return;
                count += received.Count;
                if (received.EndOfMessage) break;
                if (count == buffer.Length)
                {
                    tooLarge = true; // keep reading to the end of the message, discarding it
                    count = 0;
                }
            }

            _metrics?.FrameReceived();
            if (_stop.IsCancellationRequested) continue; // closing: frames still arriving before the client's close are not acted on
            if (tooLarge)
            {
                if (Admit(null)) Refuse(ErrorCodes.TooLarge, $"the frame is larger than {_options.MaxFrameBytes} bytes and was discarded");
            }
            else if (received.MessageType == WebSocketMessageType.Binary)
            {
                if (Admit(null)) Refuse(ErrorCodes.BadFrame, "frames are JSON text messages; a binary message was discarded");
            }
            else
            {
                var parsed = handler.Parser.Parse(buffer.AsMemory(0, count));
                if (Admit(parsed.Id))
                {
                    if (parsed.Frame is { } frame) await handler.HandleAsync(this, frame);
                    else Refuse(parsed.ErrorCode!, parsed.ErrorMessage!, parsed.Id);
                }
            }

            if (!spoken)
            {
                // The first frame (normally resume) has been queued: held conversation events may follow it.
                spoken = true;
                Enqueue(new OutboundItem.Release());
            }
        }
    }

    /// <summary>Takes a token from the connection's and the user's buckets; answers rate_limited when either is empty.</summary>
    private bool Admit(string? frameId)
    {
        using var connection = _connectionRate.AttemptAcquire();
        if (connection.IsAcquired)
        {
            using var user = _userRate.AttemptAcquire();
            if (user.IsAcquired) return true;
        }
        Refuse(ErrorCodes.RateLimited,
            $"too many frames: at most {_options.ConnectionRate.PerSecond}/s per connection and {_options.UserRate.PerSecond}/s per user; this frame was not processed, send it again later",
            frameId);
        return false;
    }

    /// <summary>Answers a frame the edge will not act on with an error frame (the socket stays open).</summary>
    public void Refuse(string code, string message, string? frameId = null, string? conversationId = null)
    {
        _metrics?.FrameRefused(code);
        Send(ServerFrames.Error(code, message, frameId, conversationId));
    }
}
