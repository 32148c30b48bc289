using System.Globalization;
using System.Text.RegularExpressions;

namespace ChatStreams.Ctl.Cluster;

/// <summary>Where a replay starts: the beginning of the topics, or a point in time (absolute, or a duration before now).</summary>
public sealed partial record ReplayStart(DateTimeOffset? Time)
{
    public static readonly ReplayStart Earliest = new((DateTimeOffset?)null);

    [GeneratedRegex(@"^(?<n>\d+)(?<unit>s|m|h|d)$")]
    private static partial Regex Ago();

    /// <summary>"earliest", an ISO 8601 time (2026-12-05T10:00:00Z) or a duration ago (90m, 6h, 2d).</summary>
    public static bool TryParse(string text, DateTimeOffset now, out ReplayStart start)
    {
        start = Earliest;
        text = text.Trim();
        if (text.Equals("earliest", StringComparison.OrdinalIgnoreCase)) return true;
        if (Ago().Match(text) is { Success: true } m)
        {
            var n = int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            var span = m.Groups["unit"].Value switch { "s" => TimeSpan.FromSeconds(n), "m" => TimeSpan.FromMinutes(n), "h" => TimeSpan.FromHours(n), _ => TimeSpan.FromDays(n) };
            start = new ReplayStart(now - span);
            return true;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            start = new ReplayStart(time);
            return true;
        }
        return false;
    }

    public override string ToString() => Time is { } t ? t.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "earliest";
}
