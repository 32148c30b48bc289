using System.Globalization;
using System.Numerics;

namespace ChatStreams.Sinks.Analytics;

/// <summary>
/// Store values as the plain values of <see cref="AnalyticsQueryResult"/>: integers as long (a HUGEINT sum that
/// fits, too), fractions as double, times as ISO text, everything else as its text; so every output format of
/// chatctl prints them alike.
/// </summary>
internal static class AnalyticsValues
{
    public static object? Plain(object? value) => value switch
    {
        null or DBNull => null,
        long or string or bool or double => value,
        int or short or sbyte or byte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        ulong u => u <= long.MaxValue ? (long)u : u.ToString(CultureInfo.InvariantCulture),
        BigInteger b => b >= long.MinValue && b <= long.MaxValue ? (long)b : b.ToString(CultureInfo.InvariantCulture),
        float f => (double)f,
        decimal d => (double)d,
        DateTime t => t.ToString(t.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss.FFF", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFzzz", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
