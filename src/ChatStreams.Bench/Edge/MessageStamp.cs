using System.Globalization;
using System.Text;

namespace ChatStreams.Bench.Edge;

/// <summary>
/// A message body that carries its send time ("t=&lt;timestamp&gt; " then plain text), so whichever socket receives the
/// message can time it without looking anything up. Timestamps are the benchmark process's <see cref="System.Diagnostics.Stopwatch"/>.
/// </summary>
public static class MessageStamp
{
    private const string Prefix = "t=";
    private const string Filler = "Are we still on for the release review at three? I moved the notes into the shared folder. ";

    /// <summary>A body of <paramref name="length"/> characters (longer only when the stamp itself is) stamped with <paramref name="timestamp"/>.</summary>
    public static string Body(long timestamp, int length)
    {
        var body = new StringBuilder(Prefix).Append(timestamp.ToString(CultureInfo.InvariantCulture)).Append(' ');
        while (body.Length < length) body.Append(Filler, 0, Math.Min(Filler.Length, length - body.Length));
        return body.ToString();
    }

    /// <summary>The timestamp of a stamped body; false for any other body.</summary>
    public static bool TryRead(string? body, out long timestamp)
    {
        timestamp = 0;
        if (body is null || !body.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var end = body.IndexOf(' ', Prefix.Length);
        var digits = end < 0 ? body.AsSpan(Prefix.Length) : body.AsSpan(Prefix.Length, end - Prefix.Length);
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out timestamp);
    }
}
