using System.Security.Cryptography;
using ChatStreams.Notifications.Preferences;
using ChatStreams.Notifications.WebPush;

namespace ChatStreams.Notifications.Tests.Support;

/// <summary>What a browser holds for one push subscription: its P-256 key pair and auth secret; it can decrypt what it is sent.</summary>
public sealed class BrowserSubscription : IDisposable
{
    public BrowserSubscription(string userId, string endpoint)
    {
        Key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        Auth = RandomNumberGenerator.GetBytes(16);
        Subscription = new PushSubscription(userId, endpoint, Base64Url.Encode(P256.PublicKeyOf(Key.ExportParameters(false))), Base64Url.Encode(Auth),
            DateTimeOffset.UtcNow);
    }

    public ECDiffieHellman Key { get; }
    public byte[] Auth { get; }
    public PushSubscription Subscription { get; }

    public byte[] Decrypt(byte[] body) => WebPushEncryption.Decrypt(body, Key, Auth);

    public void Dispose() => Key.Dispose();
}
