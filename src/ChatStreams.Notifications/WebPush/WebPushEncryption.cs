using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ChatStreams.Notifications.WebPush;

/// <summary>
/// Message encryption for Web Push (RFC 8291) in the aes128gcm content coding (RFC 8188): an ephemeral P-256 key agrees
/// a secret with the subscription's p256dh key, mixed with its auth secret; the payload goes in one record whose header
/// carries the salt, the record size and the ephemeral public key. Only the browser holding the subscription's private
/// key can read it; the push service sees ciphertext.
/// </summary>
public static class WebPushEncryption
{
    public const int AuthSecretLength = 16;
    public const int SaltLength = 16;
    public const int RecordSize = 4096;
    private const int TagLength = 16;
    private const int HeaderLength = SaltLength + 4 + 1 + P256.PublicKeyLength;

    /// <summary>The largest payload one 4096-byte record holds (record size - tag - delimiter).</summary>
    public const int MaxPlaintextLength = RecordSize - TagLength - 1;

    private static readonly byte[] KeyInfoLabel = Encoding.ASCII.GetBytes("WebPush: info\0");
    private static readonly byte[] CekInfo = Encoding.ASCII.GetBytes("Content-Encoding: aes128gcm\0");
    private static readonly byte[] NonceInfo = Encoding.ASCII.GetBytes("Content-Encoding: nonce\0");

    /// <summary>Encrypts with a fresh ephemeral key and salt (the normal path).</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> userAgentPublicKey, ReadOnlySpan<byte> authSecret)
    {
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        return Encrypt(plaintext, userAgentPublicKey, authSecret, ephemeral, RandomNumberGenerator.GetBytes(SaltLength));
    }

    /// <summary>Encrypts with a given application-server key and salt; deterministic, so the RFC's example can be checked.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> userAgentPublicKey, ReadOnlySpan<byte> authSecret,
        ECDiffieHellman applicationServerKey, ReadOnlySpan<byte> salt)
    {
        if (plaintext.Length > MaxPlaintextLength)
            throw new ArgumentException($"a push payload is at most {MaxPlaintextLength} bytes; this one is {plaintext.Length}", nameof(plaintext));
        if (authSecret.Length != AuthSecretLength) throw new ArgumentException($"the auth secret is {AuthSecretLength} bytes; got {authSecret.Length}", nameof(authSecret));
        if (salt.Length != SaltLength) throw new ArgumentException($"the salt is {SaltLength} bytes; got {salt.Length}", nameof(salt));

        using var userAgent = P256.ImportPublic(userAgentPublicKey);
        var serverPublic = P256.PublicKeyOf(applicationServerKey.ExportParameters(false));
        var sharedSecret = applicationServerKey.DeriveRawSecretAgreement(userAgent.PublicKey);
        var (cek, nonce) = ContentKeys(sharedSecret, authSecret, userAgentPublicKey, serverPublic, salt);

        var body = new byte[HeaderLength + plaintext.Length + 1 + TagLength];
        WriteHeader(body, salt, serverPublic);
        // One record, the last: the plaintext, then the 0x02 delimiter and no padding (RFC 8188 section 2).
        var padded = new byte[plaintext.Length + 1];
        plaintext.CopyTo(padded);
        padded[^1] = 0x02;
        using var aes = new AesGcm(cek, TagLength);
        aes.Encrypt(nonce, padded, body.AsSpan(HeaderLength, padded.Length), body.AsSpan(HeaderLength + padded.Length, TagLength));
        return body;
    }

    /// <summary>
    /// What a browser does with the body: the receiving side of RFC 8291, for tests and for tools that check a push
    /// service's relay. Throws <see cref="CryptographicException"/> when the body was not made for this key.
    /// </summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> body, ECDiffieHellman userAgentKey, ReadOnlySpan<byte> authSecret)
    {
        if (body.Length < HeaderLength + TagLength + 1) throw new CryptographicException("the body is shorter than an aes128gcm header and one record");
        var salt = body[..SaltLength];
        var recordSize = BinaryPrimitives.ReadUInt32BigEndian(body[SaltLength..]);
        var idLength = body[SaltLength + 4];
        if (idLength != P256.PublicKeyLength) throw new CryptographicException($"the key id is {idLength} bytes; Web Push puts the 65-byte sender key there");
        var serverPublic = body.Slice(SaltLength + 5, idLength);
        var ciphertext = body[HeaderLength..];
        if (ciphertext.Length > recordSize) throw new CryptographicException("Web Push bodies are one record; this one is longer than its record size");

        var userAgentPublic = P256.PublicKeyOf(userAgentKey.ExportParameters(false));
        using var server = P256.ImportPublic(serverPublic);
        var sharedSecret = userAgentKey.DeriveRawSecretAgreement(server.PublicKey);
        var (cek, nonce) = ContentKeys(sharedSecret, authSecret, userAgentPublic, serverPublic, salt);
        var padded = new byte[ciphertext.Length - TagLength];
        using var aes = new AesGcm(cek, TagLength);
        aes.Decrypt(nonce, ciphertext[..^TagLength], ciphertext[^TagLength..], padded);
        var end = Array.FindLastIndex(padded, b => b != 0);
        if (end < 0 || padded[end] != 0x02) throw new CryptographicException("the record has no last-record delimiter (0x02)");
        return padded[..end];
    }

    /// <summary>RFC 8291 section 3.4 then RFC 8188 section 2.2: IKM from the ECDH secret and auth secret, then CEK and nonce from the salt.</summary>
    private static (byte[] Cek, byte[] Nonce) ContentKeys(byte[] sharedSecret, ReadOnlySpan<byte> authSecret,
        ReadOnlySpan<byte> userAgentPublic, ReadOnlySpan<byte> serverPublic, ReadOnlySpan<byte> salt)
    {
        var keyInfo = new byte[KeyInfoLabel.Length + userAgentPublic.Length + serverPublic.Length];
        KeyInfoLabel.CopyTo(keyInfo, 0);
        userAgentPublic.CopyTo(keyInfo.AsSpan(KeyInfoLabel.Length));
        serverPublic.CopyTo(keyInfo.AsSpan(KeyInfoLabel.Length + userAgentPublic.Length));
        var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, sharedSecret, 32, authSecret.ToArray(), keyInfo);
        var prk = HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt.ToArray());
        return (HKDF.Expand(HashAlgorithmName.SHA256, prk, 16, CekInfo), HKDF.Expand(HashAlgorithmName.SHA256, prk, 12, NonceInfo));
    }

    private static void WriteHeader(Span<byte> body, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> serverPublic)
    {
        salt.CopyTo(body);
        BinaryPrimitives.WriteUInt32BigEndian(body[SaltLength..], RecordSize);
        body[SaltLength + 4] = (byte)serverPublic.Length;
        serverPublic.CopyTo(body[(SaltLength + 5)..]);
    }
}
