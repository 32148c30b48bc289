using System.Globalization;

namespace ChatStreams.Bench.Load;

/// <summary>
/// Client message ids of the load generator, "&lt;sender&gt;.&lt;n&gt;": the sending client's index and its message number.
/// Unique per conversation (the protocol's dedup needs that) and enough to tell, at a recipient, which message arrived.
/// </summary>
public static class LoadMessageId
{
    public static string Format(int sender, int number) =>
        sender.ToString(CultureInfo.InvariantCulture) + "." + number.ToString(CultureInfo.InvariantCulture);

    public static bool TryParse(string? id, out int sender, out int number)
    {
        sender = number = 0;
        if (id is null) return false;
        var dot = id.IndexOf('.');
        return dot > 0
               && int.TryParse(id.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out sender)
               && int.TryParse(id.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }
}
