namespace ChatStreams.Identity.Keys;

// JSON shapes of the key directory API (docs/security.md). Keys and signatures travel as standard base64.

/// <summary>A signed prekey as published and handed out.</summary>
public sealed record SignedPrekeyJson(long KeyId, string? PublicKey, string? Signature);

/// <summary>A one-time prekey as published and handed out.</summary>
public sealed record OneTimePrekeyJson(long KeyId, string? PublicKey);

/// <summary>Body of PUT /api/keys/devices/{deviceId}.</summary>
public sealed record PublishDeviceKeysRequest(
    string? IdentityKey, string? IdentityDhKey, string? IdentityDhSignature, SignedPrekeyJson? SignedPrekey, IReadOnlyList<OneTimePrekeyJson>? OneTimePrekeys);

/// <summary>Body of POST /api/keys/devices/{deviceId}/one-time-prekeys.</summary>
public sealed record AddOneTimePrekeysRequest(IReadOnlyList<OneTimePrekeyJson>? OneTimePrekeys);

/// <summary>
/// How many one-time prekeys the caller's device has left; <c>Replenish</c> is true below the low-water mark, and the
/// client should upload more (each X3DH session started with the device used one).
/// </summary>
public sealed record PrekeyStatusResponse(string DeviceId, int OneTimePrekeys, int LowWaterMark, bool Replenish);

/// <summary>One published device of a user.</summary>
public sealed record DeviceJson(string DeviceId, string IdentityKey, string IdentityDhKey, string IdentityDhSignature, DateTimeOffset UpdatedAt)
{
    public static DeviceJson From(DeviceIdentity d) => new(d.DeviceId, Convert.ToBase64String(d.IdentityKey),
        Convert.ToBase64String(d.IdentityDhKey), Convert.ToBase64String(d.IdentityDhSignature), d.UpdatedAt);
}

/// <summary>Answer of POST /api/keys/users/{userId}/devices/{deviceId}/bundle; <c>OneTimePrekey</c> is null when the device ran out.</summary>
public sealed record PrekeyBundleJson(string UserId, DeviceJson Device, SignedPrekeyJson SignedPrekey, OneTimePrekeyJson? OneTimePrekey)
{
    public static PrekeyBundleJson From(PrekeyBundle b) => new(b.Identity.UserId, DeviceJson.From(b.Identity),
        new SignedPrekeyJson(b.SignedPrekey.KeyId, Convert.ToBase64String(b.SignedPrekey.PublicKey), Convert.ToBase64String(b.SignedPrekey.Signature)),
        b.OneTimePrekey is { } o ? new OneTimePrekeyJson(o.KeyId, Convert.ToBase64String(o.PublicKey)) : null);
}
