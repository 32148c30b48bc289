using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChatStreams.Notifications.Webhook;

/// <summary>
/// The webhook's signature: <c>X-ChatStreams-Signature: sha256=&lt;hex HMAC-SHA256(secret, timestamp + "." + body)&gt;</c>
/// with the Unix-seconds <c>X-ChatStreams-Timestamp</c> inside the signed bytes, so a captured request cannot be
/// replayed later with a fresh timestamp. A receiver recomputes it over the raw body, compares in constant time and
/// refuses timestamps further than the tolerance from its clock.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-ChatStreams-Signature";
    public const string TimestampHeader = "X-ChatStreams-Timestamp";
    public const string DeliveryHeader = "X-ChatStreams-Delivery";
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), SignedBytes(timestamp, body));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>The receiver's check (what docs/notifications.md tells a receiver to do).</summary>
    public static bool Verify(string secret, string? timestampHeader, string? signatureHeader, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)) return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > tolerance.TotalSeconds) return false;
        if (signatureHeader is null || !signatureHeader.StartsWith("sha256=", StringComparison.Ordinal)) return false;
        byte[] given;
        try
        {
            given = Convert.FromHexString(signatureHeader.AsSpan("sha256=".Length));
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), SignedBytes(timestamp, body));
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private static byte[] SignedBytes(long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return signed;
    }
}
