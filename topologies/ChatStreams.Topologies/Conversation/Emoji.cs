using System.Globalization;
using System.Text;

namespace ChatStreams.Topologies.Conversation;

/// <summary>
/// Whether a reaction is one emoji: exactly one grapheme (skin tones, ZWJ families and flags are one grapheme made
/// of several code points) that is pictographic: it starts with a symbol (Unicode category So, e.g. 👍 ❤ ☕), a
/// regional indicator pair (a flag), or is a keycap or a character with the emoji presentation selector (1️⃣, ©️).
/// Letters, digits and punctuation alone are not reactions.
/// </summary>
public static class Emoji
{
    private const int MaxLength = 32; // UTF-16 units; the longest ZWJ sequences are about 11 code points

    public static bool IsSingle(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength) return false;
        if (new StringInfo(text).LengthInTextElements != 1) return false;
        var first = Rune.GetRuneAt(text, 0);
        if (Rune.GetUnicodeCategory(first) == UnicodeCategory.OtherSymbol) return true;
        if (first.Value is >= 0x1F1E6 and <= 0x1F1FF) return true; // regional indicators (flags)
        return text.Contains('\uFE0F') || text.Contains('\u20E3'); // emoji presentation selector, keycap
    }
}
