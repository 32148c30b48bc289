using ChatStreams.Bench.Measurement;

namespace ChatStreams.Bench.Edge;

/// <summary>Nearest-rank percentiles and the maximum of one kind of latency, in milliseconds.</summary>
public sealed record LatencyDistribution(int Samples, double P50Ms, double P95Ms, double P99Ms, double MaxMs)
{
    public static LatencyDistribution None { get; } = new(0, 0, 0, 0, 0);

    /// <summary>Summarises durations in timestamp ticks; sorts <paramref name="ticks"/> in place. No samples: <see cref="None"/>.</summary>
    public static LatencyDistribution FromTicks(long[] ticks, long ticksPerSecond)
    {
        if (ticks.Length == 0) return None;
        Array.Sort(ticks);
        ReadOnlySpan<long> sorted = ticks;
        return new LatencyDistribution(ticks.Length,
            Ms(Percentiles.Of(sorted, 50), ticksPerSecond),
            Ms(Percentiles.Of(sorted, 95), ticksPerSecond),
            Ms(Percentiles.Of(sorted, 99), ticksPerSecond),
            Ms(sorted[^1], ticksPerSecond));
    }

    private static double Ms(long ticks, long ticksPerSecond) => ticks * 1000.0 / ticksPerSecond;
}
