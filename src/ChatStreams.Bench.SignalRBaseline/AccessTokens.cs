using System.Security.Cryptography;
using System.Text;

namespace ChatStreams.Bench.SignalRBaseline;

/// <summary>
/// Bearer tokens "userId.expiresUnixSeconds.signature", the signature an HMAC-SHA256 over the first two parts with the
/// key every instance shares: what a small team signs itself instead of running an identity provider.
/// </summary>
public sealed class AccessTokens(byte[] key, TimeSpan lifetime, TimeProvider clock)
{
    public string Issue(string userId)
    {
        var payload = $"{userId}.{clock.GetUtcNow().Add(lifetime).ToUnixTimeSeconds()}";
        return payload + "." + Sign(payload);
    }

    /// <summary>The user a valid, unexpired token names; null for anything else.</summary>
    public string? Validate(string? token)
    {
        if (string.IsNullOrEmpty(token)) return null;
        var last = token.LastIndexOf('.');
        if (last <= 0) return null;
        var payload = token[..last];
        var expected = Encoding.ASCII.GetBytes(Sign(payload));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(token[(last + 1)..]))) return null;
        var dot = payload.LastIndexOf('.');
        if (dot <= 0 || !long.TryParse(payload.AsSpan(dot + 1), out var expires)) return null;
        return clock.GetUtcNow().ToUnixTimeSeconds() < expires ? payload[..dot] : null;
    }

    private string Sign(string payload) => Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload))).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
