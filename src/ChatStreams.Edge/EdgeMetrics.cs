using System.Diagnostics.Metrics;
using ChatStreams.Edge.Connections;

namespace ChatStreams.Edge;

/// <summary>
/// The edge's metrics on the System.Diagnostics.Metrics API (meter "ChatStreams.Edge"); /metrics serves them in
/// Prometheus format, with the .NET runtime's and the streams runtime's.
/// </summary>
public sealed class EdgeMetrics : IDisposable
{
    public const string MeterName = "ChatStreams.Edge";
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _framesReceived;
    private readonly Counter<long> _framesRefused;
    private readonly Counter<long> _disconnects;
    private readonly Histogram<double> _ackLatency;

    public EdgeMetrics(ConnectionRegistry connections)
    {
        _meter.CreateObservableGauge("chatstreams_edge_connections", () => connections.Count, description: "Open WebSocket connections");
        _framesReceived = _meter.CreateCounter<long>("chatstreams_edge_frames_received", description: "Client frames received");
        _framesRefused = _meter.CreateCounter<long>("chatstreams_edge_frames_refused", description: "Client frames answered with an error frame, by code");
        _disconnects = _meter.CreateCounter<long>("chatstreams_edge_disconnects", description: "Closed connections, by reason");
        _ackLatency = _meter.CreateHistogram<double>("chatstreams_edge_ack_latency", unit: "ms", description: "From a send frame to Kafka's acknowledgement");
    }

    public void FrameReceived() => _framesReceived.Add(1);

    public void FrameRefused(string code) => _framesRefused.Add(1, new KeyValuePair<string, object?>("code", code));

    public void Disconnected(string reason) => _disconnects.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Acked(TimeSpan latency) => _ackLatency.Record(latency.TotalMilliseconds);

    public void Dispose() => _meter.Dispose();
}
