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
    private readonly Counter<long> _framesSent;
    private readonly Histogram<double> _endToEnd;
    private readonly Counter<long> _liveTailFills;
    private readonly Histogram<double> _stages;

    public EdgeMetrics(ConnectionRegistry connections)
    {
        _meter.CreateObservableGauge("chatstreams_edge_connections", () => connections.Count, description: "Open WebSocket connections");
        _framesReceived = _meter.CreateCounter<long>("chatstreams_edge_frames_received", description: "Client frames received");
        _framesRefused = _meter.CreateCounter<long>("chatstreams_edge_frames_refused", description: "Client frames answered with an error frame, by code");
        _disconnects = _meter.CreateCounter<long>("chatstreams_edge_disconnects", description: "Closed connections, by reason");
        _ackLatency = _meter.CreateHistogram<double>("chatstreams_edge_ack_latency", unit: "ms", description: "From a send frame to Kafka's acknowledgement");
        _framesSent = _meter.CreateCounter<long>("chatstreams_edge_deliveries_sent", description: "Deliveries handed to sockets of this edge (frames out), by payload");
        _endToEnd = _meter.CreateHistogram<double>("chatstreams_edge_end_to_end_latency", unit: "ms",
            description: "From the sending client's command at its edge to the delivery reaching a recipient's socket here (edge clocks)");
        _stages = _meter.CreateHistogram<double>("chatstreams_edge_delivery_stage_latency", unit: "ms",
            description: "Where a delivered message's time went, by stage: sequenced (edge accepted -> sequencer), fanned_out (sequencer -> fan-out), " +
                         "routed (fan-out -> this edge's socket, through the by-user repartition and the delivery topic); wall clocks of three processes");
        _liveTailFills = _meter.CreateCounter<long>("chatstreams_edge_live_tail_fills",
            description: "Sockets filled from history because a conversation's last events did not reach them live (see LiveTailWatch)");
    }

    public void FrameReceived() => _framesReceived.Add(1);

    public void FrameRefused(string code) => _framesRefused.Add(1, new KeyValuePair<string, object?>("code", code));

    public void Disconnected(string reason) => _disconnects.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Acked(TimeSpan latency) => _ackLatency.Record(latency.TotalMilliseconds);

    /// <summary>A delivery went to <paramref name="sockets"/> sockets; a sequenced event with its command's issue time also measures end-to-end latency.</summary>
    public void Delivered(chatstreams.v1.Delivery delivery, int sockets)
    {
        if (sockets == 0) return;
        var payload = delivery.Payload is chatstreams.v1.ChatEvent e ? e.Payload.GetType().Name : delivery.Payload.GetType().Name;
        _framesSent.Add(sockets, new KeyValuePair<string, object?>("payload", payload));
        // A receipt carried by the issuer's event counts as the receipt delivery it replaces.
        if (delivery.WithIssuerReceipt) _framesSent.Add(sockets, new KeyValuePair<string, object?>("payload", nameof(chatstreams.v1.ReceiptUpdate)));
        if (delivery.Payload is not chatstreams.v1.ChatEvent { CommandIssuedAt: { } issued } chatEvent) return;
        var now = DateTime.UtcNow;
        _endToEnd.Record(Math.Max(0, (now - Utc(issued)).TotalMilliseconds));
        if (chatEvent.Payload is not chatstreams.v1.MessageSent) return;
        Stage("sequenced", Utc(chatEvent.OccurredAt) - Utc(issued));
        Stage("fanned_out", Utc(delivery.CreatedAt) - Utc(chatEvent.OccurredAt));
        Stage("routed", now - Utc(delivery.CreatedAt));
    }

    private void Stage(string stage, TimeSpan took) =>
        _stages.Record(Math.Max(0, took.TotalMilliseconds), new KeyValuePair<string, object?>("stage", stage));

    private static DateTime Utc(DateTime at) => DateTime.SpecifyKind(at, DateTimeKind.Utc);

    public void LiveTailFilled(int sockets) => _liveTailFills.Add(sockets);

    public void Dispose() => _meter.Dispose();
}
