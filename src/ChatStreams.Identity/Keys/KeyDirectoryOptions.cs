namespace ChatStreams.Identity.Keys;

/// <summary>Limits of the key directory (section <c>Auth:Keys</c>; env <c>Auth__Keys__LowWaterMark</c>, ...).</summary>
public sealed class KeyDirectoryOptions
{
    public const string Section = "Auth:Keys";

    /// <summary>Below this many unclaimed one-time prekeys a device is told to replenish (and a warning is logged).</summary>
    public int LowWaterMark { get; set; } = 10;

    /// <summary>Most one-time prekeys one request may upload.</summary>
    public int MaxPrekeysPerUpload { get; set; } = 100;

    /// <summary>Most unclaimed one-time prekeys a device may hold; uploads beyond it are refused.</summary>
    public int MaxPrekeysPerDevice { get; set; } = 500;

    /// <summary>Most devices with published keys per user; every sender encrypts once per device.</summary>
    public int MaxDevicesPerUser { get; set; } = 32;
}
