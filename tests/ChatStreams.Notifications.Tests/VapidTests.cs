using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChatStreams.Notifications.WebPush;
using ChatStreams.TestSupport;
using ChatStreams.Notifications.Tests.Support;

namespace ChatStreams.Notifications.Tests;

/// <summary>VAPID (RFC 8292): an ES256 JWT a push service verifies with the public key in the header.</summary>
public sealed class VapidTests
{
    /// <summary>What a push service does with an Authorization header: split it, verify the signature with k, read the claims.</summary>
    internal static JsonElement VerifiedClaims(string authorization, out string publicKey)
    {
        Assert.StartsWith("vapid t=", authorization);
        var parts = authorization["vapid ".Length..].Split(", ");
        var token = parts.Single(p => p.StartsWith("t=", StringComparison.Ordinal))[2..];
        publicKey = parts.Single(p => p.StartsWith("k=", StringComparison.Ordinal))[2..];
        var segments = token.Split('.');
        Assert.Equal(3, segments.Length);
        using var header = JsonDocument.Parse(Base64Url.Decode(segments[0]));
        Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.RootElement.GetProperty("typ").GetString());
        using var verifier = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = P256.PointOf(Base64Url.Decode(publicKey)) });
        Assert.True(verifier.VerifyData(Encoding.ASCII.GetBytes($"{segments[0]}.{segments[1]}"), Base64Url.Decode(segments[2]),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation), "the VAPID signature does not verify with k");
        return JsonDocument.Parse(Base64Url.Decode(segments[1])).RootElement.Clone();
    }

    [Fact]
    public void The_token_verifies_with_the_public_key_and_carries_audience_expiry_and_subject()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero));
        var keys = VapidKeys.Generate();
        var tokens = new VapidTokens(keys, "mailto:ops@example.com", TimeSpan.FromHours(12), time);

        var claims = VerifiedClaims(tokens.AuthorizationFor(new Uri("https://push.example.net:8443/wpush/v2/abc?x=1")), out var k);

        Assert.Equal(keys.PublicKeyText, k);
        Assert.Equal("https://push.example.net:8443", claims.GetProperty("aud").GetString());
        Assert.Equal("mailto:ops@example.com", claims.GetProperty("sub").GetString());
        var exp = DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64());
        Assert.Equal(time.GetUtcNow().AddHours(12).ToUnixTimeSeconds(), exp.ToUnixTimeSeconds());
        Assert.True(exp - time.GetUtcNow() <= TimeSpan.FromHours(24));
    }

    [Fact]
    public void A_token_is_reused_per_origin_and_renewed_before_it_expires()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero));
        var tokens = new VapidTokens(VapidKeys.Generate(), "mailto:ops@example.com", TimeSpan.FromHours(12), time);
        var a = new Uri("https://fcm.googleapis.com/fcm/send/one");
        var first = tokens.TokenFor(a);
        Assert.Equal(first, tokens.TokenFor(new Uri("https://fcm.googleapis.com/fcm/send/two")));
        Assert.NotEqual(first, tokens.TokenFor(new Uri("https://updates.push.services.mozilla.com/wpush/v2/x")));
        time.Advance(TimeSpan.FromHours(10)); // 2 h left, under a quarter of the lifetime
        Assert.NotEqual(first, tokens.TokenFor(a));
    }

    [Fact]
    public async Task The_key_file_is_generated_once_and_then_read_by_every_process()
    {
        using var folder = new TempDirectory("vapid");
        var path = folder.Sub("keys/vapid.json");
        var created = VapidKeys.LoadOrCreateFile(path);
        var again = VapidKeys.LoadOrCreateFile(path);
        Assert.Equal(created.PublicKeyText, again.PublicKeyText);
        Assert.Equal(65, created.PublicKey.Length);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        // Configured keys win over the file.
        var configured = VapidKeys.Generate();
        using var signer = configured.CreateSigner();
        var options = new NotificationOptions
        {
            VapidPublicKey = configured.PublicKeyText,
            VapidPrivateKey = Base64Url.Encode(signer.ExportParameters(true).D),
            VapidKeyFile = path,
        };
        var store = new Preferences.SqlitePushPreferences(folder.Sub("preferences.db"));
        Assert.Equal(configured.PublicKeyText, (await VapidKeys.LoadAsync(options, store, default)).PublicKeyText);
        options.VapidPublicKey = options.VapidPrivateKey = null;
        Assert.Equal(created.PublicKeyText, (await VapidKeys.LoadAsync(options, store, default)).PublicKeyText);
    }

    [Fact]
    public void A_private_key_that_does_not_match_the_public_key_is_refused()
    {
        var a = VapidKeys.Generate();
        var b = VapidKeys.Generate();
        using var signer = b.CreateSigner();
        var e = Assert.Throws<InvalidOperationException>(() => VapidKeys.FromBase64Url(a.PublicKeyText, Base64Url.Encode(signer.ExportParameters(true).D)));
        Assert.Contains("VAPID", e.Message);
    }
}
