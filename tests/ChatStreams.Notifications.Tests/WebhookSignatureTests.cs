using System.Text;
using ChatStreams.Notifications.Webhook;

namespace ChatStreams.Notifications.Tests;

/// <summary>The webhook signature as a receiver checks it (docs/notifications.md).</summary>
public sealed class WebhookSignatureTests
{
    private const string Secret = "a-webhook-secret-of-some-length";
    private static readonly DateTimeOffset Now = new(2026, 2, 3, 4, 5, 6, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"type":"chat.notifications","userId":"u1"}""");

    [Fact]
    public void The_signature_is_the_hex_hmac_of_timestamp_dot_body()
    {
        var timestamp = Now.ToUnixTimeSeconds();
        var expected = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret),
            Encoding.UTF8.GetBytes($"{timestamp}.{Encoding.UTF8.GetString(Body)}")));
        Assert.Equal(expected, WebhookSignature.Sign(Secret, timestamp, Body));
    }

    [Fact]
    public void A_receiver_accepts_a_fresh_signed_body_and_refuses_tampering_replays_and_other_secrets()
    {
        var timestamp = Now.ToUnixTimeSeconds();
        var signature = WebhookSignature.Sign(Secret, timestamp, Body);
        var ts = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tolerance = WebhookSignature.DefaultTolerance;

        Assert.True(WebhookSignature.Verify(Secret, ts, signature, Body, Now.AddSeconds(30), tolerance));

        var tampered = (byte[])Body.Clone();
        tampered[^3] ^= 0x01;
        Assert.False(WebhookSignature.Verify(Secret, ts, signature, tampered, Now, tolerance));
        // The timestamp is signed: moving it forward to pass the window breaks the signature.
        Assert.False(WebhookSignature.Verify(Secret, (timestamp + 600).ToString(System.Globalization.CultureInfo.InvariantCulture), signature, Body, Now.AddMinutes(10), tolerance));
        // A captured request replayed later is outside the window.
        Assert.False(WebhookSignature.Verify(Secret, ts, signature, Body, Now.AddMinutes(6), tolerance));
        Assert.False(WebhookSignature.Verify("another-secret-of-some-length", ts, signature, Body, Now, tolerance));
        Assert.False(WebhookSignature.Verify(Secret, ts, "sha256=zz", Body, Now, tolerance));
        Assert.False(WebhookSignature.Verify(Secret, null, signature, Body, Now, tolerance));
        Assert.False(WebhookSignature.Verify(Secret, ts, signature.Replace("sha256=", "sha1="), Body, Now, tolerance));
    }
}
