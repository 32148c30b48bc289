namespace ChatStreams.Bench.Topologies;

/// <summary>
/// A burst of messages produced as fast as the producer takes them, timed from the first produce call to the last
/// delivery seen at an edge topic: the pipeline's sustained rate, its ramp-up and drain included.
/// </summary>
public sealed record ThroughputRun(int Messages, long Deliveries, double Seconds)
{
    public double MessagesPerSecond => Messages / Seconds;

    public double DeliveriesPerSecond => Deliveries / Seconds;

    /// <summary>The run of complete timelines.</summary>
    /// <exception cref="ArgumentException">A timeline is incomplete, or there is none.</exception>
    public static ThroughputRun Of(IReadOnlyCollection<CommandTimeline> timelines, long ticksPerSecond)
    {
        if (timelines.Count == 0) throw new ArgumentException("No messages: a rate of nothing is undefined.", nameof(timelines));
        if (timelines.FirstOrDefault(t => t.Delivered < t.ExpectedDeliveries) is { } incomplete)
            throw new ArgumentException($"A message was not delivered everywhere ({incomplete.Delivered} of {incomplete.ExpectedDeliveries}).", nameof(timelines));
        var first = timelines.Min(t => t.SentAt);
        var last = timelines.Max(t => Max(t.DeliveredAt));
        return new ThroughputRun(timelines.Count, timelines.Sum(t => (long)t.Delivered), (double)(last - first) / ticksPerSecond);
    }

    private static long Max(ReadOnlySpan<long> values)
    {
        var max = long.MinValue;
        foreach (var v in values) max = Math.Max(max, v);
        return max;
    }
}
