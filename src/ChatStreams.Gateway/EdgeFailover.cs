using System.Net.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace ChatStreams.Gateway;

/// <summary>
/// Proxy-pipeline step that retries a request on another edge when the chosen edge could not even be connected
/// to (killed, restarting, gone from the network). Health checks need a few probes to notice a dead edge; without
/// this step every request routed there in the meantime would fail although another edge could serve it.
/// </summary>
/// <remarks>
/// Only requests without a body (GET, DELETE, WebSocket handshakes, …) are retried: a failed connection means the
/// edge never saw the request, but a body read from the client cannot be replayed.
/// </remarks>
public sealed class EdgeFailover
{
    private readonly RequestDelegate _next;
    private readonly ILogger<EdgeFailover> _logger;

    public EdgeFailover(RequestDelegate next, ILogger<EdgeFailover> logger)
    {
        _next = next;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        var candidates = proxy.AvailableDestinations;
        if (candidates.Count <= 1 || !CanReplay(context))
        {
            await _next(context);
            return;
        }

        var remaining = candidates.ToList();
        while (true)
        {
            await _next(context);

            var failed = proxy.ProxiedDestination;
            if (failed is null || !IsConnectFailure(context.Features.Get<IForwarderErrorFeature>()) || context.Response.HasStarted
                || context.RequestAborted.IsCancellationRequested)
                return;

            remaining.Remove(failed);
            if (remaining.Count == 0) return;

            _logger.LogWarning("Edge {EdgeId} at {Address} could not be reached; retrying {Method} {Path} on another edge",
                failed.DestinationId, failed.Model.Config.Address, context.Request.Method, context.Request.Path);

            // Undo what the failed attempt left behind so the forwarder starts from a clean response.
            context.Features.Set<IForwarderErrorFeature>(null);
            context.Response.Clear();
            proxy.ProxiedDestination = null;
            proxy.AvailableDestinations = remaining.ToArray();
        }
    }

    /// <summary>True when the edge was never reached, so it cannot have acted on the request.</summary>
    public static bool IsConnectFailure(IForwarderErrorFeature? error) =>
        error is { Error: ForwarderError.Request, Exception: HttpRequestException
        {
            HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError,
        } };

    private static bool CanReplay(HttpContext context)
    {
        if (context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true) return true;
        if (context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true) return true;
        var detection = context.Features.Get<IHttpRequestBodyDetectionFeature>();
        if (detection is not null) return !detection.CanHaveBody;
        return context.Request.ContentLength is null or 0 && !context.Request.Headers.ContainsKey("Transfer-Encoding");
    }
}
