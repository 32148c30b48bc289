using System.Diagnostics;

namespace ChatStreams.Bench.Measurement;

/// <summary>Produce latency percentiles in milliseconds.</summary>
public sealed record LatencySummary(double P50Ms, double P99Ms, double P999Ms, double MaxMs)
{
    /// <summary>Summarises latencies given in <see cref="Stopwatch"/> ticks; sorts <paramref name="ticks"/> in place.</summary>
    public static LatencySummary FromStopwatchTicks(long[] ticks)
    {
        Array.Sort(ticks);
        ReadOnlySpan<long> sorted = ticks;
        return new LatencySummary(
            ToMs(Percentiles.Of(sorted, 50)),
            ToMs(Percentiles.Of(sorted, 99)),
            ToMs(Percentiles.Of(sorted, 99.9)),
            ToMs(sorted[^1]));
    }

    private static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
