using System.Diagnostics;
using ChatStreams.Bench.Measurement;

namespace ChatStreams.Bench.Tests;

public class PercentilesTests
{
    private static readonly long[] OneToThousand = Enumerable.Range(1, 1000).Select(i => (long)i).ToArray();

    [Theory]
    [InlineData(50, 500)]
    [InlineData(99, 990)]
    [InlineData(99.9, 999)]
    [InlineData(100, 1000)]
    [InlineData(0.05, 1)]
    public void Nearest_rank_of_one_to_a_thousand(double percentile, long expected) =>
        Assert.Equal(expected, Percentiles.Of<long>(OneToThousand, percentile));

    [Fact]
    public void Rank_rounds_up_so_a_tail_percentile_of_few_samples_is_the_largest()
    {
        long[] sorted = [10, 20, 30];
        Assert.Equal(20, Percentiles.Of<long>(sorted, 50));   // ceil(1.5) = 2nd
        Assert.Equal(30, Percentiles.Of<long>(sorted, 99.9)); // ceil(2.997) = 3rd
    }

    [Fact]
    public void Single_sample_is_every_percentile()
    {
        long[] one = [7];
        Assert.Equal(7, Percentiles.Of<long>(one, 50));
        Assert.Equal(7, Percentiles.Of<long>(one, 99.9));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100.1)]
    [InlineData(double.NaN)]
    public void Percentile_outside_zero_to_hundred_is_refused(double percentile) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Of<long>(OneToThousand, percentile));

    [Fact]
    public void No_samples_is_refused() =>
        Assert.Throws<ArgumentException>(() => Percentiles.Of<long>(ReadOnlySpan<long>.Empty, 50));

    [Fact]
    public void Latency_summary_sorts_unordered_samples_and_converts_to_milliseconds()
    {
        var ms = Stopwatch.Frequency / 1000; // ticks per millisecond
        // 1000 samples of 1..1000 ms, shuffled.
        var ticks = Enumerable.Range(1, 1000).Select(i => i * ms).OrderBy(_ => Random.Shared.Next()).ToArray();

        var summary = LatencySummary.FromStopwatchTicks(ticks);

        Assert.Equal(500, summary.P50Ms, precision: 6);
        Assert.Equal(990, summary.P99Ms, precision: 6);
        Assert.Equal(999, summary.P999Ms, precision: 6);
        Assert.Equal(1000, summary.MaxMs, precision: 6);
    }

    [Theory]
    [InlineData(new[] { 3.0, 1.0, 2.0 }, 2.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, 2.5)]
    [InlineData(new[] { 5.0 }, 5.0)]
    public void Median_of_runs(double[] values, double expected) =>
        Assert.Equal(expected, Percentiles.Median(values));
}
