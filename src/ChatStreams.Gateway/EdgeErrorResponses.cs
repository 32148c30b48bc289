using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Yarp.ReverseProxy.Forwarder;

namespace ChatStreams.Gateway;

/// <summary>
/// Proxy-pipeline step that turns YARP's empty error responses (503 with no edge, 502/504 when an edge failed)
/// into RFC 7807 problem details a client can act on.
/// </summary>
public sealed class EdgeErrorResponses
{
    public const string NoEdgeAvailable = "no_edge_available";
    public const string EdgeFailed = "edge_failed";
    public const string EdgeTimeout = "edge_timeout";

    private readonly RequestDelegate _next;
    private readonly string _retryAfterSeconds;

    public EdgeErrorResponses(RequestDelegate next, GatewayOptions options)
    {
        _next = next;
        // By the next health probe an edge may be back (or discovered), so that is the earliest useful retry.
        _retryAfterSeconds = Math.Max(1, (int)Math.Ceiling(options.HealthCheckInterval.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    public async Task InvokeAsync(HttpContext context)
    {
        await _next(context);

        var error = context.Features.Get<IForwarderErrorFeature>();
        // After the response started (e.g. a WebSocket was upgraded) the client already has its answer; a client
        // that went away reads nothing.
        if (error is null || context.Response.HasStarted || context.RequestAborted.IsCancellationRequested) return;

        var problem = Describe(error);
        if (problem is null) return;

        context.Response.Clear();
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
            context.Response.Headers.RetryAfter = _retryAfterSeconds;
        await Results.Problem(problem).ExecuteAsync(context);
    }

    /// <summary>The problem to report for a forwarding error, or null when the error is the client's own doing.</summary>
    public static ProblemDetails? Describe(IForwarderErrorFeature error)
    {
        if (error.Error == ForwarderError.NoAvailableDestinations || EdgeFailover.IsConnectFailure(error))
            return Problem(StatusCodes.Status503ServiceUnavailable, NoEdgeAvailable, "No edge available",
                "No chat edge can take this request right now (edges are starting, draining or down). Retry in a few seconds.");
        return error.Error switch
        {
            ForwarderError.RequestTimedOut => Problem(StatusCodes.Status504GatewayTimeout, EdgeTimeout, "Edge timed out",
                "The chat edge did not answer in time. Retry the request."),
            ForwarderError.Request or ForwarderError.RequestCreation or ForwarderError.ResponseHeaders
                or ForwarderError.RequestBodyDestination or ForwarderError.ResponseBodyDestination
                or ForwarderError.UpgradeRequestDestination or ForwarderError.UpgradeResponseDestination
                => Problem(StatusCodes.Status502BadGateway, EdgeFailed, "Edge failed",
                    "The chat edge failed while handling the request. Retry the request."),
            _ => null,
        };
    }

    /// <summary>404 for an edge path that is not public (the edges' metrics).</summary>
    public static ProblemDetails NotExposed(string path) => Problem(StatusCodes.Status404NotFound, "not_found", "Not found",
        $"{path} is not served through the gateway; scrape each edge directly.");

    private static ProblemDetails Problem(int status, string code, string title, string detail) => new()
    {
        Type = $"https://chatstreams.dev/errors/{code}",
        Title = title,
        Status = status,
        Detail = detail,
        Extensions = { ["code"] = code },
    };
}
