using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace ChatStreams.Gateway;

/// <summary>What GET /gateway/status reports: every edge and its health as the gateway sees it.</summary>
/// <param name="Healthy">Edges currently given new requests (not marked unhealthy by either check).</param>
/// <param name="Total">Edges known, healthy or not.</param>
/// <param name="Destinations">One entry per edge, ordered by id.</param>
public sealed record GatewayStatus(int Healthy, int Total, IReadOnlyList<EdgeStatus> Destinations)
{
    /// <summary>A snapshot of the edge cluster's state; empty before YARP loaded its configuration.</summary>
    public static GatewayStatus Capture(IProxyStateLookup proxyState)
    {
        ArgumentNullException.ThrowIfNull(proxyState);
        if (!proxyState.TryGetCluster(EdgeRouting.ClusterId, out var cluster)) return new GatewayStatus(0, 0, []);

        var available = cluster.DestinationsState.AvailableDestinations.Select(d => d.DestinationId).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var edges = cluster.Destinations.Values
            .OrderBy(d => d.DestinationId, StringComparer.Ordinal)
            .Select(d => new EdgeStatus(
                d.DestinationId,
                d.Model.Config.Address,
                Describe(d.Health.Active),
                Describe(d.Health.Passive),
                available.Contains(d.DestinationId),
                d.ConcurrentRequestCount))
            .ToList();
        return new GatewayStatus(edges.Count(e => e.Available), edges.Count, edges);
    }

    /// <summary>
    /// Why the gateway cannot serve chat right now (no edge known, or none healthy), or null. Its /readyz answers 503
    /// with it: a gateway with nowhere to send clients should not be given any.
    /// </summary>
    public string? NotServingReason => Total == 0
        ? "no edges are configured or the routing configuration is not loaded yet"
        : Healthy == 0 ? $"none of the {Total} edges is healthy" : null;

    private static string Describe(DestinationHealth health) => health switch
    {
        DestinationHealth.Healthy => "healthy",
        DestinationHealth.Unhealthy => "unhealthy",
        _ => "unknown",
    };
}

/// <summary>One edge in <see cref="GatewayStatus"/>.</summary>
/// <param name="Active">Result of the periodic health probes: "healthy", "unhealthy" or "unknown" (not probed yet).</param>
/// <param name="Passive">Verdict from failures of proxied requests: "healthy", "unhealthy" or "unknown".</param>
/// <param name="Available">Whether new requests may go to this edge.</param>
/// <param name="InFlight">Requests and WebSockets currently proxied to this edge.</param>
public sealed record EdgeStatus(string Id, string Address, string Active, string Passive, bool Available, int InFlight);
