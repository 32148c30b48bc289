using System.Net.Http.Json;
using System.Text.Json;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ChatStreams.Gateway.Tests.Infrastructure;

/// <summary>A gateway started on 127.0.0.1 with a free port, plus a client pointed at it.</summary>
public sealed class RunningGateway : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly WebApplication _app;
    private readonly ILoggerFactory _loggers;

    private RunningGateway(WebApplication app, ILoggerFactory loggers)
    {
        _app = app;
        _loggers = loggers;
        Url = app.Urls.Single();
        Http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Url { get; }
    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>Options for tests: short probe intervals so health changes show within a second.</summary>
    public static GatewayOptions Options(params FakeEdge[] edges) => new()
    {
        Edges = edges.Select(e => e.Url).ToList(),
        HealthCheckInterval = TimeSpan.FromMilliseconds(200),
        HealthCheckTimeout = TimeSpan.FromSeconds(1),
        ShutdownTimeout = TimeSpan.FromSeconds(2),
    };

    public static async Task<RunningGateway> StartAsync(GatewayOptions options, ITestOutputHelper output, KubernetesClientConfiguration? kubernetes = null)
    {
        var loggers = LoggerFactory.Create(b => b.AddProvider(new TestOutputLoggerProvider(output)).SetMinimumLevel(LogLevel.Information));
        var app = GatewayServer.Build(options, ["http://127.0.0.1:0"], loggers, kubernetes);
        await app.StartAsync();
        return new RunningGateway(app, loggers);
    }

    public Uri WebSocketUri(string path = "/ws") => new(Url.Replace("http://", "ws://", StringComparison.Ordinal) + path);

    public async Task<GatewayStatus> StatusAsync() =>
        (await Http.GetFromJsonAsync<GatewayStatus>(GatewayServer.StatusPath, Json))!;

    public Task<GatewayStatus> WaitForStatusAsync(Func<GatewayStatus, bool> done, string what) =>
        Eventually.Until(StatusAsync, done, what);

    /// <summary>Which edge answered GET /api/whoami; fails the test on any error status.</summary>
    public async Task<string> WhoAmIAsync()
    {
        using var response = await Http.GetAsync("/api/whoami");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /api/whoami answered {(int)response.StatusCode}: {body}");
        return body;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        _loggers.Dispose();
    }
}
