using System.Globalization;

namespace ChatStreams.Topologies.FanOut;

/// <summary>
/// The start of a message body for a push banner: at most <c>maxLength</c> UTF-16 characters, "…" included, cut only
/// between text elements (grapheme clusters), so an emoji, a flag or a letter with combining marks is never split into
/// garbage.
/// </summary>
public static class NotificationPreview
{
    public const string Ellipsis = "…";

    public static string Of(string? body, int maxLength)
    {
        if (string.IsNullOrEmpty(body) || maxLength <= 0) return "";
        if (body.Length <= maxLength) return body;
        var budget = maxLength - Ellipsis.Length;
        var end = 0;
        while (end < body.Length)
        {
            var next = end + StringInfo.GetNextTextElementLength(body, end);
            if (next > budget) break;
            end = next;
        }
        return body[..end].TrimEnd() + Ellipsis;
    }
}
