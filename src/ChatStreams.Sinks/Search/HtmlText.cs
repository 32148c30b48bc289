namespace ChatStreams.Sinks.Search;

/// <summary>
/// Escapes message text for the highlight fragments clients insert as HTML. Only the five characters that matter in
/// HTML text and attribute values are escaped; accents and emoji stay readable (unlike encoders that turn every
/// non-ASCII character into a numeric entity).
/// </summary>
public static class HtmlText
{
    public static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0) return text;
        var builder = new System.Text.StringBuilder(text.Length + 16);
        foreach (var c in text)
            builder.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        return builder.ToString();
    }

    /// <summary>The start of a text that has no highlighted match (only its file names matched), escaped.</summary>
    public static string EscapedPrefix(string text, int length)
    {
        if (text.Length <= length) return Escape(text);
        if (char.IsHighSurrogate(text[length - 1])) length--; // never cut an emoji in half
        return Escape(text[..length] + "…");
    }
}
