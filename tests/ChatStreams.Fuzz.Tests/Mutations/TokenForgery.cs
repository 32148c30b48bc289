using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ChatStreams.Fuzz.Tests.Mutations;

/// <summary>
/// Access-token variants an attacker (or a broken client) sends: tokens signed with the real key but wrong in one
/// claim, tokens with a forged or missing signature, and random corruptions of a real token. The real key is `up`'s
/// dev key from its data directory, so a refusal can only come from the claim under test.
/// </summary>
public sealed class TokenForgery(byte[] key, string issuer = "chatstreams", string audience = "chatstreams")
{
    public sealed record Variant(string Name, string Token);

    /// <summary>A token as the server issues it, for <paramref name="sub"/>: HS256, iss/aud chatstreams, valid now.</summary>
    public string Valid(string sub) => Sign(Header("HS256"), Claims(sub), key, "HS256");

    /// <summary>One token per named attack; each must be refused with 401 unauthorized.</summary>
    public IEnumerable<Variant> Refused(string sub, string otherUsersSub)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        yield return new("expired an hour ago", Sign(Header("HS256"), Claims(sub, exp: now - 3600, iat: now - 7200), key, "HS256"));
        yield return new("not valid for another hour (nbf)", Sign(Header("HS256"), Claims(sub, nbf: now + 3600), key, "HS256"));
        yield return new("no exp", Sign(Header("HS256"), Without(Claims(sub), "exp"), key, "HS256"));
        yield return new("wrong issuer", Sign(Header("HS256"), With(Claims(sub), "iss", "evil"), key, "HS256"));
        yield return new("wrong audience", Sign(Header("HS256"), With(Claims(sub), "aud", "other-service"), key, "HS256"));
        yield return new("no issuer or audience", Sign(Header("HS256"), Without(Without(Claims(sub), "iss"), "aud"), key, "HS256"));
        yield return new("alg none, no signature", Unsigned(Header("none"), Claims(sub)));
        yield return new("alg none with the real signature", Unsigned(Header("none"), Claims(sub)) + Valid(sub).Split('.')[2]);
        yield return new("HS512 with the real key", Sign(Header("HS512"), Claims(sub), key, "HS512"));
        yield return new("signed with another key", Sign(Header("HS256"), Claims(sub), RandomNumberGenerator.GetBytes(64), "HS256"));
        yield return new("another user's claims with this user's signature", Splice(Valid(otherUsersSub), Valid(sub)));
        yield return new("RS256 header over an HMAC signature", Sign(Header("RS256"), Claims(sub), key, "HS256"));
        // The classic kid attack: point the key id at an empty file and sign with the empty key.
        yield return new("kid pointing at /dev/null, signed with an empty key", Sign(With(Header("HS256"), "kid", "../../../../dev/null"), Claims(sub), [], "HS256"));
        yield return new("jku to a foreign key set", Sign(With(Header("HS256"), "jku", "http://127.0.0.1:1/keys"), Claims(sub), RandomNumberGenerator.GetBytes(32), "HS256"));
        yield return new("empty", "");
        yield return new("two parts", "abc.def");
        yield return new("four parts", Valid(sub) + ".x");
    }

    /// <summary>A real token with one random corruption: a flipped character, a cut, a doubled part, junk appended.</summary>
    public Variant Corrupt(string token, Random random)
    {
        var chars = token.ToCharArray();
        switch (random.Next(6))
        {
            case 0:
                var at = random.Next(chars.Length);
                chars[at] = chars[at] == 'A' ? 'B' : 'A';
                return new($"character {at} changed", new string(chars));
            case 1:
                var cut = random.Next(1, token.Length);
                return new($"cut at {cut}", token[..cut]);
            case 2:
                var parts = token.Split('.');
                return new("payload doubled", $"{parts[0]}.{parts[1]}{parts[1]}.{parts[2]}");
            case 3:
                return new("junk appended", token + Pick(random, "=", "==", "%00", " x", ".."));
            case 4:
                return new("base64 of JSON garbage", B64(Pick(random, "{", "null", "[]", "{\"alg\":1}")) + "." + B64("{}") + ".");
            default:
                return new("random bytes", B64(RandomBytes(random, random.Next(1, 600))));
        }
    }

    private static T Pick<T>(Random random, params T[] values) => values[random.Next(values.Length)];

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return Encoding.UTF8.GetBytes(Convert.ToBase64String(bytes));
    }

    private JsonObject Claims(string sub, long? exp = null, long? nbf = null, long? iat = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["sub"] = sub, ["name"] = "fuzz", ["iss"] = issuer, ["aud"] = audience,
            ["iat"] = iat ?? now, ["nbf"] = nbf ?? now, ["exp"] = exp ?? now + 3600, ["jti"] = Guid.NewGuid().ToString("N"),
        };
    }

    private static JsonObject Header(string alg) => new() { ["alg"] = alg, ["typ"] = "JWT" };

    private static JsonObject With(JsonObject o, string name, string value)
    {
        o[name] = value;
        return o;
    }

    private static JsonObject Without(JsonObject o, string name)
    {
        o.Remove(name);
        return o;
    }

    private static string Unsigned(JsonObject header, JsonObject claims) => $"{B64(header.ToJsonString())}.{B64(claims.ToJsonString())}.";

    private static string Sign(JsonObject header, JsonObject claims, byte[] key, string alg)
    {
        var content = $"{B64(header.ToJsonString())}.{B64(claims.ToJsonString())}";
        var data = Encoding.ASCII.GetBytes(content);
        var signature = alg == "HS512" ? HMACSHA512.HashData(key, data) : HMACSHA256.HashData(key, data);
        return content + "." + B64(signature);
    }

    /// <summary>The header and claims of one token with the signature of another.</summary>
    private static string Splice(string claimsFrom, string signatureFrom)
    {
        var a = claimsFrom.Split('.');
        return $"{a[0]}.{a[1]}.{signatureFrom.Split('.')[2]}";
    }

    private static string B64(string text) => B64(Encoding.UTF8.GetBytes(text));

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
