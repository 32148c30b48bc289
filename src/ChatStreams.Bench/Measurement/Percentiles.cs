namespace ChatStreams.Bench.Measurement;

/// <summary>
/// Exact percentiles by the nearest-rank method: the p-th percentile of n sorted values is the value at
/// rank ceil(p/100 · n). Every sample is kept, so there is no bucketing error (unlike a histogram).
/// </summary>
public static class Percentiles
{
    /// <summary>The <paramref name="percentile"/>-th percentile (0 &lt; p ≤ 100) of ascending <paramref name="sorted"/>.</summary>
    public static T Of<T>(ReadOnlySpan<T> sorted, double percentile)
    {
        if (sorted.IsEmpty) throw new ArgumentException("No samples: a percentile of nothing is undefined.", nameof(sorted));
        if (!(percentile > 0 && percentile <= 100))
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "A percentile must be in (0, 100].");
        // In decimal: with doubles 99.9 / 100 · 1000 is 999.0000000000001, whose ceiling is one rank too far.
        var rank = (long)Math.Ceiling((decimal)percentile * sorted.Length / 100m);
        return sorted[(int)Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    /// <summary>The median of a few run results (the middle one; the mean of the two middle ones for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new ArgumentException("No values: the median of nothing is undefined.", nameof(values));
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
