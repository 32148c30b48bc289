namespace ChatStreams.Identity.Keys;

/// <summary>
/// The long-term public keys of one device, as its owner published them. The server stores and hands them out but
/// cannot check they are honest: clients verify the signatures and compare safety numbers (docs/security.md).
/// </summary>
/// <param name="IdentityKey">Ed25519 public key (32 bytes) that identifies the device; safety numbers are computed from it.</param>
/// <param name="IdentityDhKey">X25519 public key (32 bytes) used in X3DH as the device's identity DH key.</param>
/// <param name="IdentityDhSignature">Ed25519 signature (64 bytes) by <paramref name="IdentityKey"/> over <paramref name="IdentityDhKey"/>.</param>
public sealed record DeviceIdentity(string UserId, string DeviceId, byte[] IdentityKey, byte[] IdentityDhKey, byte[] IdentityDhSignature, DateTimeOffset UpdatedAt)
{
    public bool SameKeysAs(DeviceIdentity other) =>
        IdentityKey.AsSpan().SequenceEqual(other.IdentityKey) && IdentityDhKey.AsSpan().SequenceEqual(other.IdentityDhKey);
}

/// <summary>A medium-term X25519 prekey (32 bytes) signed (64 bytes) by the device's identity key.</summary>
public sealed record SignedPrekey(long KeyId, byte[] PublicKey, byte[] Signature);

/// <summary>A single-use X25519 prekey; the directory hands each one out at most once.</summary>
public sealed record OneTimePrekey(long KeyId, byte[] PublicKey);

/// <summary>What a device publishes: its identity, current signed prekey and a batch of one-time prekeys.</summary>
public sealed record DeviceKeyUpload(DeviceIdentity Identity, SignedPrekey SignedPrekey, IReadOnlyList<OneTimePrekey> OneTimePrekeys);

/// <summary>
/// What a sender needs to start a session with one device (X3DH). <see cref="OneTimePrekey"/> is null when the
/// device has run out; X3DH then runs without it (weaker replay protection, see docs/security.md).
/// </summary>
public sealed record PrekeyBundle(DeviceIdentity Identity, SignedPrekey SignedPrekey, OneTimePrekey? OneTimePrekey);
