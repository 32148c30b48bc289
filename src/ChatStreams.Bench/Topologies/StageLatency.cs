using ChatStreams.Bench.Measurement;

namespace ChatStreams.Bench.Topologies;

/// <summary>Percentiles of one stage of the way to a member, in milliseconds.</summary>
public sealed record StageLatency(double P50Ms, double P95Ms, double P99Ms)
{
    /// <summary>Nearest-rank percentiles of durations in timestamp ticks; sorts <paramref name="ticks"/> in place.</summary>
    public static StageLatency FromTicks(long[] ticks, long ticksPerSecond)
    {
        Array.Sort(ticks);
        ReadOnlySpan<long> sorted = ticks;
        return new StageLatency(
            Ms(Percentiles.Of(sorted, 50), ticksPerSecond),
            Ms(Percentiles.Of(sorted, 95), ticksPerSecond),
            Ms(Percentiles.Of(sorted, 99), ticksPerSecond));
    }

    private static double Ms(long ticks, long ticksPerSecond) => ticks * 1000.0 / ticksPerSecond;
}
