using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.LoadBalancing;

namespace ChatStreams.Gateway;

/// <summary>The YARP route and cluster that send every request not meant for the gateway itself to the edges.</summary>
public static class EdgeRouting
{
    public const string RouteId = "edges";
    public const string ClusterId = "edges";

    // YARP exposes these policy names only as strings in its configuration schema.
    private const string ConsecutiveFailures = "ConsecutiveFailures";
    private const string TransportFailureRate = "TransportFailureRate";

    /// <summary>
    /// Catch-all route. Its order is the lowest priority, so the gateway's own /gateway/... endpoints always win.
    /// X-Forwarded-* are set, not appended: the gateway is the public entry point, so whatever a client sent in
    /// those headers is not trusted.
    /// </summary>
    public static RouteConfig CreateRoute() => new()
    {
        RouteId = RouteId,
        ClusterId = ClusterId,
        Order = int.MaxValue,
        Match = new RouteMatch { Path = "{**catch-all}" },
        Transforms =
        [
            new Dictionary<string, string> { ["X-Forwarded"] = "Set" },
        ],
    };

    /// <summary>The edge cluster with the given destinations and the health and timeout settings of <paramref name="options"/>.</summary>
    public static ClusterConfig CreateCluster(GatewayOptions options, IEnumerable<EdgeDestination> edges) => new()
    {
        ClusterId = ClusterId,
        // Least-requests counts open WebSockets as in-flight requests, so long-lived sockets spread evenly across edges.
        LoadBalancingPolicy = LoadBalancingPolicies.LeastRequests,
        HealthCheck = new HealthCheckConfig
        {
            // Unhealthy edges are skipped; when none is left the request fails fast instead of hitting a draining edge.
            AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyAndUnknown,
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = options.HealthCheckInterval,
                Timeout = options.HealthCheckTimeout,
                Path = options.HealthCheckPath,
                Policy = ConsecutiveFailures,
            },
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = true,
                Policy = TransportFailureRate,
                ReactivationPeriod = options.PassiveReactivationPeriod,
            },
        },
        HttpRequest = options.WebSocketIdleTimeout is { } idle ? new ForwarderRequestConfig { ActivityTimeout = idle } : null,
        Metadata = new Dictionary<string, string>
        {
            [ConsecutiveFailuresHealthPolicyOptions.ThresholdMetadataName] =
                options.HealthCheckFailureThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        Destinations = edges.ToDictionary(e => e.Id, e => new DestinationConfig { Address = e.Address }, StringComparer.OrdinalIgnoreCase),
    };
}
