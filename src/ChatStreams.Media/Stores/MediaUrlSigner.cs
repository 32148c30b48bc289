using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ChatStreams.Identity;

namespace ChatStreams.Media.Stores;

/// <summary>
/// Signs and checks the local store's URLs: HMAC-SHA256 over the method, the media id and the expiry (unix seconds),
/// so a URL works for one file, one method, until it expires. Every edge needs the same key (one key file per machine,
/// or Media__SigningKey) because an upload URL from one edge is used at another.
/// </summary>
public sealed class MediaUrlSigner
{
    private readonly Lazy<byte[]> _key;

    public MediaUrlSigner(byte[] key)
    {
        if (key.Length < TokenSigningKey.MinimumBytes) throw new ArgumentException($"a media URL key needs at least {TokenSigningKey.MinimumBytes} bytes", nameof(key));
        _key = new Lazy<byte[]>(key);
    }

    /// <summary>The key of <see cref="MediaOptions.SigningKey"/>, else of the key file (created on first use, so an edge that never serves media creates no file).</summary>
    public MediaUrlSigner(MediaOptions options)
    {
        _key = new Lazy<byte[]>(() =>
        {
            try
            {
                var key = string.IsNullOrWhiteSpace(options.SigningKey)
                    ? TokenSigningKey.LoadOrCreateFile(options.SigningKeyFile)
                    : TokenSigningKey.FromBase64(options.SigningKey, "Media__SigningKey");
                return key.SecurityKey.Key;
            }
            catch (SigningKeyException e)
            {
                throw new InvalidOperationException($"The media URL key (Media__SigningKey or Media__SigningKeyFile) is unusable: {e.Message}", e);
            }
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Sign(string method, string mediaId, long expiresUnixSeconds) =>
        Base64Url(HMACSHA256.HashData(_key.Value, Payload(method, mediaId, expiresUnixSeconds)));

    public SignatureCheck Check(string method, string mediaId, string? expires, string? signature, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(expires) || string.IsNullOrEmpty(signature)
            || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt))
            return SignatureCheck.Invalid;
        var expected = HMACSHA256.HashData(_key.Value, Payload(method, mediaId, expiresAt));
        byte[] given;
        try { given = FromBase64Url(signature); }
        catch (FormatException) { return SignatureCheck.Invalid; }
        // Constant time: a byte-by-byte comparison would tell an attacker how much of a forged signature is right.
        if (!CryptographicOperations.FixedTimeEquals(expected, given)) return SignatureCheck.Invalid;
        return now.ToUnixTimeSeconds() > expiresAt ? SignatureCheck.Expired : SignatureCheck.Valid;
    }

    private static byte[] Payload(string method, string mediaId, long expires) =>
        Encoding.UTF8.GetBytes($"{method.ToUpperInvariant()}\n{mediaId}\n{expires.ToString(CultureInfo.InvariantCulture)}");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var base64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '='));
    }
}

public enum SignatureCheck { Valid, Expired, Invalid }
