namespace ChatStreams.Bench.Topologies;

/// <summary>
/// The way of a message to its members, split where the benchmark can see it. One sample per delivery (a member of a
/// group of 500 waits as long as the member of a 1:1 chat does, so every member counts): the message's produce → ack
/// (the edge's wait for Kafka), ack → its ChatEvent visible on chat.events (the conversation topology, its EOS commit
/// included) and that event → this Delivery visible on the edge's topic (the fan-out: both sub-topologies, the
/// repartition hop and their commits). The stages of one sample add up to its end-to-end time; their percentiles
/// need not.
/// </summary>
public sealed record LatencyBreakdown(int Messages, int Samples, StageLatency ProduceToAck, StageLatency Conversation, StageLatency FanOut,
    StageLatency Topologies, StageLatency EndToEnd)
{
    /// <summary>The topologies' (conversation + fan-out, ack → delivery) median as a share of the end-to-end median.</summary>
    public double TopologiesShare => Topologies.P50Ms / EndToEnd.P50Ms;

    public double ConversationShare => Conversation.P50Ms / EndToEnd.P50Ms;

    public double FanOutShare => FanOut.P50Ms / EndToEnd.P50Ms;

    /// <summary>The breakdown of complete timelines (every delivery seen).</summary>
    /// <exception cref="ArgumentException">A timeline is incomplete, or there is none.</exception>
    public static LatencyBreakdown Of(IReadOnlyCollection<CommandTimeline> timelines, long ticksPerSecond)
    {
        if (timelines.Count == 0) throw new ArgumentException("No messages: a latency of nothing is undefined.", nameof(timelines));
        if (timelines.FirstOrDefault(t => !t.Complete) is { } incomplete)
            throw new ArgumentException($"A message was not seen everywhere ({incomplete.Delivered} of {incomplete.ExpectedDeliveries} deliveries).", nameof(timelines));

        var samples = timelines.Sum(t => t.ExpectedDeliveries);
        var produce = new long[samples];
        var conversation = new long[samples];
        var fanOut = new long[samples];
        var topologies = new long[samples];
        var endToEnd = new long[samples];
        var i = 0;
        foreach (var t in timelines)
        {
            foreach (var deliveredAt in t.DeliveredAt)
            {
                produce[i] = t.AckedAt - t.SentAt;
                conversation[i] = t.EventAt - t.AckedAt;
                fanOut[i] = deliveredAt - t.EventAt;
                topologies[i] = deliveredAt - t.AckedAt;
                endToEnd[i] = deliveredAt - t.SentAt;
                i++;
            }
        }
        return new LatencyBreakdown(timelines.Count, samples,
            StageLatency.FromTicks(produce, ticksPerSecond), StageLatency.FromTicks(conversation, ticksPerSecond),
            StageLatency.FromTicks(fanOut, ticksPerSecond), StageLatency.FromTicks(topologies, ticksPerSecond),
            StageLatency.FromTicks(endToEnd, ticksPerSecond));
    }
}
