using System.Diagnostics.Metrics;
using ChatStreams.Edge.Connections;
using chatstreams.v1;

namespace ChatStreams.Edge.Tests;

public sealed class EdgeMetricsTests
{
    [Fact]
    public void A_delivered_message_records_end_to_end_and_where_its_time_went_by_stage()
    {
        var recorded = new List<(string Instrument, string? Stage, double Ms)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EdgeMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            string? stage = null;
            foreach (var tag in tags) if (tag.Key == "stage") stage = (string?)tag.Value;
            lock (recorded) recorded.Add((instrument.Name, stage, value));
        });
        listener.Start();
        using var metrics = new EdgeMetrics(new ConnectionRegistry());

        var issued = DateTime.UtcNow.AddMilliseconds(-500);
        var chatEvent = new ChatEvent
        {
            EventId = "e1", ConversationId = "c1", Seq = 1, UserId = "bob", DeviceId = "d", CommandId = "cmd", EdgeId = "edge-0",
            OccurredAt = issued.AddMilliseconds(40), CommandIssuedAt = issued,
            Payload = new MessageSent { MessageId = "m1", Body = "hi", Attachments = [] },
        };
        metrics.Delivered(new Delivery { UserId = "alice", ConversationId = "c1", Seq = 1, CreatedAt = issued.AddMilliseconds(100), Payload = chatEvent }, sockets: 1);

        lock (recorded)
        {
            Assert.InRange(recorded.Single(r => r.Instrument == "chatstreams_edge_end_to_end_latency").Ms, 500, 30_000);
            var stages = recorded.Where(r => r.Instrument == "chatstreams_edge_delivery_stage_latency").ToDictionary(r => r.Stage!, r => r.Ms);
            Assert.Equal(40, stages["sequenced"], 3);
            Assert.Equal(60, stages["fanned_out"], 3);
            Assert.InRange(stages["routed"], 400, 30_000);
        }
    }
}
