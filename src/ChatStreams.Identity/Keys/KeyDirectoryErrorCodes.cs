namespace ChatStreams.Identity.Keys;

/// <summary>Problem codes of the key directory API besides the general ones in <see cref="ApiErrorCodes"/>.</summary>
public static class KeyDirectoryErrorCodes
{
    /// <summary>The account has the most devices with keys allowed (Auth:Keys:MaxDevicesPerUser).</summary>
    public const string TooManyDevices = "too_many_devices";

    /// <summary>The device would hold more one-time prekeys than allowed (Auth:Keys:MaxPrekeysPerDevice).</summary>
    public const string TooManyPrekeys = "too_many_prekeys";
}
