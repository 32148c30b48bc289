using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Notifications.Tests.Support;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, free port) standing in for push services and the webhook receiver: it
/// records every request (path, headers, raw body, when) and answers each path with the statuses scripted for it, in
/// order, then 201.
/// </summary>
public sealed class PushServiceStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, string? RetryAfter)>> _script = new();

    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, TimeSpan At);

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ConcurrentQueue<Received> Requests { get; } = new();

    private PushServiceStub(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public static async Task<PushServiceStub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var stub = new PushServiceStub(app);
        app.Run(stub.HandleAsync);
        await app.StartAsync();
        stub.Url = app.Urls.First();
        return stub;
    }

    /// <summary>The next answers of <paramref name="path"/>; afterwards it answers 201 Created.</summary>
    public void Answer(string path, int status, string? retryAfter = null) =>
        _script.GetOrAdd(path, _ => new()).Enqueue((status, retryAfter));

    public IReadOnlyList<Received> To(string path) => Requests.Where(r => r.Path == path).ToList();

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var path = context.Request.Path.Value ?? "/";
        Requests.Enqueue(new Received(path, headers, body.ToArray(), _clock.Elapsed));
        var (status, retryAfter) = _script.TryGetValue(path, out var queue) && queue.TryDequeue(out var next) ? next : (201, null);
        context.Response.StatusCode = status;
        if (retryAfter is not null) context.Response.Headers.RetryAfter = retryAfter;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
