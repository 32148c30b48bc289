using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ChatStreams.Notifications.WebPush;

/// <summary>
/// VAPID authorization (RFC 8292): an ES256 JWT whose audience is the push service's origin, expiring within 24 hours,
/// with the operator's contact as subject, sent as <c>Authorization: vapid t=&lt;jwt&gt;, k=&lt;public key&gt;</c>.
/// A token is reused per origin until it is within a quarter of its lifetime of expiring (signing on every push is waste).
/// </summary>
public sealed class VapidTokens(VapidKeys keys, string subject, TimeSpan lifetime, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset Expires)> _byAudience = new(StringComparer.Ordinal);

    public string AuthorizationFor(Uri endpoint) => $"vapid t={TokenFor(endpoint)}, k={keys.PublicKeyText}";

    public string TokenFor(Uri endpoint)
    {
        var audience = endpoint.GetLeftPart(UriPartial.Authority);
        var now = time.GetUtcNow();
        if (_byAudience.TryGetValue(audience, out var cached) && cached.Expires - now > lifetime / 4) return cached.Token;
        var expires = now + lifetime;
        var token = Sign(audience, expires);
        _byAudience[audience] = (token, expires);
        return token;
    }

    private string Sign(string audience, DateTimeOffset expires)
    {
        var header = Base64Url.Encode("""{"typ":"JWT","alg":"ES256"}"""u8);
        var claims = Base64Url.Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["aud"] = audience,
            ["exp"] = expires.ToUnixTimeSeconds(),
            ["sub"] = subject,
        }));
        var signingInput = $"{header}.{claims}";
        using var signer = keys.CreateSigner();
        // JWS ES256 is the raw r || s pair (IEEE P1363), not DER.
        var signature = signer.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{signingInput}.{Base64Url.Encode(signature)}";
    }
}
