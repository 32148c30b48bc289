using System.Security.Cryptography;
using System.Text;
using ChatStreams.Notifications.WebPush;

namespace ChatStreams.Notifications.Tests;

/// <summary>RFC 8291 message encryption, checked byte for byte against the RFC's own example (Appendix A).</summary>
public sealed class WebPushEncryptionTests
{
    // RFC 8291 Appendix A.
    private const string Plaintext = "When I grow up, I want to be a watermelon";
    private const string ApplicationServerPublic = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
    private const string ApplicationServerPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
    private const string UserAgentPublic = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    private const string UserAgentPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
    private const string Salt = "DGv6ra1nlYgDCS1FRnbzlw";
    private const string AuthSecret = "BTBZMqHH6r4Tts7J_aSIgg";
    private const string Body =
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27ml" +
        "mlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPT" +
        "pK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

    private static ECDiffieHellman Key(string privateKey, string publicKey) =>
        ECDiffieHellman.Create(P256.Parameters(Base64Url.Decode(privateKey), Base64Url.Decode(publicKey)));

    [Fact]
    public void Encrypting_the_rfc_example_gives_the_rfc_body()
    {
        using var server = Key(ApplicationServerPrivate, ApplicationServerPublic);
        var body = WebPushEncryption.Encrypt(Encoding.UTF8.GetBytes(Plaintext), Base64Url.Decode(UserAgentPublic), Base64Url.Decode(AuthSecret),
            server, Base64Url.Decode(Salt));
        Assert.Equal(Body, Base64Url.Encode(body));
    }

    [Fact]
    public void The_user_agent_decrypts_the_rfc_body()
    {
        using var userAgent = Key(UserAgentPrivate, UserAgentPublic);
        var plaintext = WebPushEncryption.Decrypt(Base64Url.Decode(Body), userAgent, Base64Url.Decode(AuthSecret));
        Assert.Equal(Plaintext, Encoding.UTF8.GetString(plaintext));
    }

    [Fact]
    public void A_fresh_encryption_round_trips_with_the_subscription_key_and_differs_each_time()
    {
        using var userAgent = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var auth = RandomNumberGenerator.GetBytes(16);
        var publicKey = P256.PublicKeyOf(userAgent.ExportParameters(false));
        var payload = Encoding.UTF8.GetBytes("""{"title":"3 new messages in Team","body":"see you at 5"}""");

        var first = WebPushEncryption.Encrypt(payload, publicKey, auth);
        var second = WebPushEncryption.Encrypt(payload, publicKey, auth);

        Assert.NotEqual(first, second); // new salt and ephemeral key every time
        Assert.Equal(payload, WebPushEncryption.Decrypt(first, userAgent, auth));
        Assert.Equal(payload, WebPushEncryption.Decrypt(second, userAgent, auth));
        Assert.Equal(4096u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(first.AsSpan(16)));
        Assert.Equal(65, first[20]);
    }

    [Fact]
    public void A_tampered_body_a_wrong_auth_secret_or_another_key_do_not_decrypt()
    {
        using var userAgent = Key(UserAgentPrivate, UserAgentPublic);
        var body = Base64Url.Decode(Body);
        body[^1] ^= 0x01;
        Assert.ThrowsAny<CryptographicException>(() => WebPushEncryption.Decrypt(body, userAgent, Base64Url.Decode(AuthSecret)));

        var wrongAuth = Base64Url.Decode(AuthSecret);
        wrongAuth[0] ^= 0x01;
        Assert.ThrowsAny<CryptographicException>(() => WebPushEncryption.Decrypt(Base64Url.Decode(Body), userAgent, wrongAuth));

        using var other = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        Assert.ThrowsAny<CryptographicException>(() => WebPushEncryption.Decrypt(Base64Url.Decode(Body), other, Base64Url.Decode(AuthSecret)));
    }

    [Fact]
    public void A_payload_larger_than_one_record_or_a_bad_key_is_refused()
    {
        var auth = RandomNumberGenerator.GetBytes(16);
        Assert.Throws<ArgumentException>(() => WebPushEncryption.Encrypt(new byte[WebPushEncryption.MaxPlaintextLength + 1], Base64Url.Decode(UserAgentPublic), auth));
        var notOnCurve = Base64Url.Decode(UserAgentPublic);
        notOnCurve[64] ^= 0x01;
        Assert.False(P256.IsValidPublicKey(notOnCurve));
        Assert.ThrowsAny<CryptographicException>(() => WebPushEncryption.Encrypt("x"u8, notOnCurve, auth));
    }
}
