using System.Security.Cryptography;

namespace ChatStreams.Notifications.WebPush;

/// <summary>P-256 keys in the raw forms Web Push uses: a 65-byte uncompressed point (0x04 || X || Y) and a 32-byte scalar.</summary>
public static class P256
{
    public const int PublicKeyLength = 65;
    public const int PrivateKeyLength = 32;

    public static byte[] PublicKeyOf(ECParameters parameters)
    {
        var point = new byte[PublicKeyLength];
        point[0] = 0x04;
        parameters.Q.X!.CopyTo(point, 1);
        parameters.Q.Y!.CopyTo(point, 33);
        return point;
    }

    public static ECPoint PointOf(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != PublicKeyLength || publicKey[0] != 0x04)
            throw new CryptographicException($"a P-256 public key is {PublicKeyLength} bytes starting with 0x04 (uncompressed); got {publicKey.Length} bytes");
        return new ECPoint { X = publicKey[1..33].ToArray(), Y = publicKey[33..].ToArray() };
    }

    /// <summary>A public key to agree with; throws when the bytes are not a point on the curve.</summary>
    public static ECDiffieHellman ImportPublic(ReadOnlySpan<byte> publicKey)
    {
        var key = ECDiffieHellman.Create();
        key.ImportParameters(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = PointOf(publicKey) });
        return key;
    }

    /// <summary>A key pair from its raw private scalar and public point (both as Web Push tools print them).</summary>
    public static ECParameters Parameters(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> publicKey)
    {
        if (privateKey.Length != PrivateKeyLength) throw new CryptographicException($"a P-256 private key is {PrivateKeyLength} bytes; got {privateKey.Length}");
        return new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = privateKey.ToArray(), Q = PointOf(publicKey) };
    }

    /// <summary>True when the bytes are an uncompressed point on P-256 (what a browser's p256dh must be).</summary>
    public static bool IsValidPublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != PublicKeyLength || publicKey[0] != 0x04) return false;
        try
        {
            using var key = ImportPublic(publicKey);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
