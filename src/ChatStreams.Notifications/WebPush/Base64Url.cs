namespace ChatStreams.Notifications.WebPush;

/// <summary>Base64url without padding, the encoding of every key and token in Web Push (padding and standard base64 are accepted on input, some clients send them).</summary>
public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    /// <summary>Decodes, or returns null when the text is not base64url.</summary>
    public static byte[]? TryDecode(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var normalized = text.Trim().TrimEnd('=').Replace('+', '-').Replace('/', '_');
        try
        {
            return System.Buffers.Text.Base64Url.DecodeFromChars(normalized);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static byte[] Decode(string text) => TryDecode(text) ?? throw new FormatException("the text is not base64url");
}
