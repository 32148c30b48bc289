namespace ChatStreams.Identity.Keys;

/// <summary>
/// The public key directory of end-to-end encryption, stored next to the accounts. Shared by every edge, so every
/// method must be safe across processes; <see cref="ClaimBundleAsync"/> hands out each one-time prekey at most once
/// even when many edges claim at the same moment.
/// </summary>
public interface IDeviceKeyDirectory
{
    /// <summary>
    /// Stores a device's identity and signed prekey and adds its one-time prekeys. A different identity key than the
    /// stored one means a reinstalled device: its old one-time prekeys are dropped (they belong to lost private keys).
    /// One-time prekeys whose id is already stored are ignored. Returns how many one-time prekeys the device now has.
    /// </summary>
    Task<int> PublishAsync(DeviceKeyUpload upload, CancellationToken cancellationToken = default);

    /// <summary>Adds one-time prekeys to a published device; null when the device has published nothing.</summary>
    Task<int?> AddOneTimePrekeysAsync(string userId, string deviceId, IReadOnlyList<OneTimePrekey> prekeys, CancellationToken cancellationToken = default);

    /// <summary>Unclaimed one-time prekeys of a device; null when the device has published nothing.</summary>
    Task<int?> CountOneTimePrekeysAsync(string userId, string deviceId, CancellationToken cancellationToken = default);

    /// <summary>The published devices of a user, by device id.</summary>
    Task<IReadOnlyList<DeviceIdentity>> ListDevicesAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The bundle of a device, consuming (deleting) its lowest-numbered one-time prekey in the same atomic step;
    /// null when the device has published nothing.
    /// </summary>
    Task<PrekeyBundle?> ClaimBundleAsync(string userId, string deviceId, CancellationToken cancellationToken = default);

    /// <summary>Removes a device and its prekeys; false when there was none.</summary>
    Task<bool> RemoveDeviceAsync(string userId, string deviceId, CancellationToken cancellationToken = default);
}
