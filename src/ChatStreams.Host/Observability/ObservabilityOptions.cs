namespace ChatStreams.Host.Observability;

/// <summary>
/// How a process is observed (section "Observability"; env Observability__Port, ...): its operations port with
/// /healthz, /readyz and /metrics, where its traces go, and its log format.
/// </summary>
public sealed class ObservabilityOptions
{
    public const string Section = "Observability";

    /// <summary>
    /// Port of /healthz, /readyz and /metrics (Prometheus text) for processes without an HTTP port of their own
    /// (topologies, sinks, notifications, the gateway, whose own paths are proxied to edges). 0 or unset: none. Edges
    /// serve the three on their HTTP port. The Helm chart and compose use 9464; `up` picks free ports (see /status).
    /// </summary>
    public int Port { get; set; }

    /// <summary>Address the operations port listens on.</summary>
    public string Host { get; set; } = "0.0.0.0";

    /// <summary>service.name of the traces; default the process's role (edge-0, topology, sink-history, ...).</summary>
    public string? ServiceName { get; set; }

    /// <summary>OTLP endpoint for traces (grpc: http://otel-collector:4317; http/protobuf: http://otel-collector:4318/v1/traces); unset: no export.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>grpc (default) or http/protobuf.</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>Fraction of new traces recorded (parent-based: a traced message stays traced across processes).</summary>
    public double SampleRatio { get; set; } = 1.0;

    /// <summary>"text" (one line per event, for people) or "json" (one JSON object per line, with trace and span ids).</summary>
    public string LogFormat { get; set; } = "text";

    public bool TracingEnabled => !string.IsNullOrWhiteSpace(OtlpEndpoint);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Port is < 0 or > 65535) errors.Add($"Observability:Port {Port} is not a port (0 turns the operations port off).");
        if (LogFormat is not ("text" or "json")) errors.Add($"Observability:LogFormat '{LogFormat}' is not text or json.");
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint) && !Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out _))
            errors.Add($"Observability:OtlpEndpoint '{OtlpEndpoint}' is not an absolute URL.");
        if (OtlpProtocol is not ("grpc" or "http/protobuf")) errors.Add($"Observability:OtlpProtocol '{OtlpProtocol}' is not grpc or http/protobuf.");
        if (SampleRatio is < 0 or > 1) errors.Add($"Observability:SampleRatio {SampleRatio} must be between 0 and 1.");
        return errors;
    }
}
