using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ChatStreams.Gateway.Tests.Infrastructure;

/// <summary>
/// A stand-in for a chat edge on 127.0.0.1: answers with its name, reports health on /healthz (switchable to the
/// 503 an edge returns while draining), echoes WebSocket frames prefixed with its name, and can hold requests open
/// so tests control how many are in flight.
/// </summary>
public sealed class FakeEdge : IAsyncDisposable
{
    private readonly WebApplication _app;
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _holding;
    private int _served;
    private bool _stopped;

    private FakeEdge(string name, WebApplication app)
    {
        Name = name;
        _app = app;
    }

    public string Name { get; }
    public string Url { get; private set; } = "";

    /// <summary>False makes /healthz answer 503, as an edge does while draining.</summary>
    public volatile bool Healthy = true;

    /// <summary>Requests to /api/hold currently waiting for <see cref="ReleaseHeld"/>.</summary>
    public int Holding => Volatile.Read(ref _holding);

    /// <summary>Requests served outside /healthz.</summary>
    public int Served => Volatile.Read(ref _served);

    public static async Task<FakeEdge> StartAsync(string name)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRouting();
        var app = builder.Build();
        var edge = new FakeEdge(name, app);
        edge.Map(app);
        await app.StartAsync();
        edge.Url = app.Urls.Single();
        return edge;
    }

    private void Map(WebApplication app)
    {
        app.UseWebSockets();
        app.Use(async (context, next) =>
        {
            if (context.Request.Path != "/healthz") Interlocked.Increment(ref _served);
            await next(context);
        });
        app.MapGet("/healthz", () => Healthy ? Results.Text("ok") : Results.Text("draining", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/api/whoami", () => Results.Text(Name));
        app.MapGet("/api/headers", (HttpRequest request) => Results.Json(new Dictionary<string, string>
        {
            ["X-Forwarded-For"] = request.Headers["X-Forwarded-For"].ToString(),
            ["X-Forwarded-Proto"] = request.Headers["X-Forwarded-Proto"].ToString(),
            ["X-Forwarded-Host"] = request.Headers["X-Forwarded-Host"].ToString(),
        }));
        app.MapPost("/api/echo", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            return Results.Text($"{Name}: {await reader.ReadToEndAsync()}");
        });
        // Dies mid-request, after the request reached the edge: the gateway must not replay it elsewhere.
        app.MapGet("/api/crash", (HttpContext context) => context.Abort());
        app.MapGet("/api/hold", async () =>
        {
            var release = Volatile.Read(ref _release);
            Interlocked.Increment(ref _holding);
            try
            {
                await release.Task;
            }
            finally
            {
                Interlocked.Decrement(ref _holding);
            }
            return Results.Text(Name);
        });
        app.Map("/ws", async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await EchoAsync(socket, context.RequestAborted);
        });
    }

    private async Task EchoAsync(WebSocket socket, CancellationToken aborted)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var message = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer, aborted);
                message.Write(buffer, 0, received.Count);
            } while (!received.EndOfMessage);

            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", aborted);
                return;
            }
            var reply = Encoding.UTF8.GetBytes($"{Name}: {Encoding.UTF8.GetString(message.ToArray())}");
            await socket.SendAsync(reply, WebSocketMessageType.Text, endOfMessage: true, aborted);
        }
    }

    /// <summary>Lets every held request answer.</summary>
    public void ReleaseHeld() =>
        Interlocked.Exchange(ref _release, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Stops the server as if the process was killed: the port refuses connections from now on.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        ReleaseHeld();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
