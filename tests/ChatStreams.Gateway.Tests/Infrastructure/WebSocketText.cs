using System.Net.WebSockets;
using System.Text;

namespace ChatStreams.Gateway.Tests.Infrastructure;

/// <summary>Text-frame helpers for ClientWebSocket, each bounded by a timeout so a broken proxy fails the test instead of hanging it.</summary>
public static class WebSocketText
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static async Task SendAsync(WebSocket socket, string text)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    public static async Task<string> ReceiveAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var buffer = new byte[4096];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return Encoding.UTF8.GetString(message.ToArray());
    }

    public static async Task ConnectAsync(ClientWebSocket socket, Uri uri)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(uri, timeout.Token);
    }

    public static async Task CloseAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
    }
}
