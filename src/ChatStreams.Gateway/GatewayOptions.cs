using Microsoft.Extensions.Configuration;

namespace ChatStreams.Gateway;

/// <summary>Settings of the gateway in front of the chat edges (configuration section "Gateway").</summary>
/// <remarks>
/// Durations bind from "hh:mm:ss[.fff]" strings, e.g. <c>Gateway__HealthCheckInterval=00:00:05</c>.
/// </remarks>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>
    /// Base URLs of edges known up front, e.g. <c>Gateway__Edges__0=http://127.0.0.1:5001</c>. May be empty when
    /// <see cref="Kubernetes"/> discovery is enabled; both sources are combined when both are set.
    /// </summary>
    public List<string> Edges { get; set; } = new();

    /// <summary>Discovers edges from the EndpointSlices of a Kubernetes service.</summary>
    public KubernetesDiscoveryOptions Kubernetes { get; set; } = new();

    /// <summary>How often each edge's health endpoint is probed.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one probe may take before it counts as a failure.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Path probed on every edge; edges answer 503 there while draining.</summary>
    public string HealthCheckPath { get; set; } = "/healthz";

    /// <summary>
    /// Consecutive failed probes before an edge gets no new requests. With the defaults a draining edge stops
    /// receiving new work within about threshold × interval + timeout (12 s), so edges should drain at least that long.
    /// </summary>
    public int HealthCheckFailureThreshold { get; set; } = 2;

    /// <summary>
    /// How long an edge that failed too many proxied requests stays out of rotation before it is tried again;
    /// also the window over which the failure rate is measured.
    /// </summary>
    public TimeSpan PassiveReactivationPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a proxied request or WebSocket may go without any data (WebSocket pings count) before the gateway
    /// cancels it. Null keeps YARP's default of 100 s; clients and edges must exchange something more often than this.
    /// </summary>
    public TimeSpan? WebSocketIdleTimeout { get; set; }

    /// <summary>
    /// How long in-flight requests get to finish when the gateway stops. WebSockets still open afterwards are cut;
    /// clients reconnect through another gateway replica.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Binds the "Gateway" section of <paramref name="configuration"/>; defaults when it is absent.</summary>
    public static GatewayOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(Section).Get<GatewayOptions>() ?? new GatewayOptions();
    }

    /// <summary>What is wrong with these options; empty when valid. Each message says what to change.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Edges.Count == 0 && !Kubernetes.Enabled)
            errors.Add("The gateway has no edges to route to: set Gateway__Edges__0=http://<host>:<port> (and __1, __2, … for more edges) " +
                       "or discover them in Kubernetes with Gateway__Kubernetes__Enabled=true.");

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Edges.Count; i++)
        {
            var edge = Edges[i];
            if (!EdgeAddress.TryNormalize(edge, out var normalized))
                errors.Add($"Gateway:Edges:{i} '{edge}' is not an absolute http(s) URL; use the edge's base URL, e.g. http://127.0.0.1:5001.");
            else if (!seen.Add(normalized))
                errors.Add($"Gateway:Edges:{i} '{edge}' is listed more than once; list each edge once.");
        }

        RequirePositive(errors, nameof(HealthCheckInterval), HealthCheckInterval);
        RequirePositive(errors, nameof(HealthCheckTimeout), HealthCheckTimeout);
        RequirePositive(errors, nameof(PassiveReactivationPeriod), PassiveReactivationPeriod);
        if (WebSocketIdleTimeout is { } idle) RequirePositive(errors, nameof(WebSocketIdleTimeout), idle);
        if (ShutdownTimeout < TimeSpan.Zero)
            errors.Add($"Gateway:ShutdownTimeout is {ShutdownTimeout}; it must not be negative.");
        if (string.IsNullOrWhiteSpace(HealthCheckPath) || !HealthCheckPath.StartsWith('/'))
            errors.Add($"Gateway:HealthCheckPath '{HealthCheckPath}' must be a path starting with '/', e.g. /healthz.");
        if (HealthCheckFailureThreshold < 1)
            errors.Add($"Gateway:HealthCheckFailureThreshold is {HealthCheckFailureThreshold}; it must be at least 1.");

        if (Kubernetes.Enabled) errors.AddRange(Kubernetes.Validate());
        return errors;
    }

    private static void RequirePositive(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
            errors.Add($"Gateway:{name} is {value}; it must be positive, e.g. 00:00:05 for five seconds.");
    }
}
