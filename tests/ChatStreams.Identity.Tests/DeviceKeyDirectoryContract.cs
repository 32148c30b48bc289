using System.Security.Cryptography;
using ChatStreams.Identity.Keys;
using ChatStreams.TestSupport;

namespace ChatStreams.Identity.Tests;

/// <summary>
/// What every <see cref="IDeviceKeyDirectory"/> must do, whatever stores it; each store's test class derives from this.
/// Every test starts from an empty store of its own.
/// </summary>
public abstract class DeviceKeyDirectoryContract : IAsyncLifetime
{
    protected IDeviceKeyDirectory Keys { get; private set; } = null!;

    /// <summary>A directory on this test's store; each call opens another, as a second edge process would.</summary>
    protected abstract IDeviceKeyDirectory Open();

    protected abstract Task DeleteStoreAsync();

    public Task InitializeAsync()
    {
        Keys = Open();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        (Keys as IDisposable)?.Dispose();
        await DeleteStoreAsync();
    }

    [ContractFact]
    public async Task Publish_ThenListAndClaim_ReturnsTheKeysAndConsumesOnePrekeyPerClaim()
    {
        var upload = Upload("alice", "phone", prekeys: 3);
        Assert.Equal(3, await Keys.PublishAsync(upload));

        var devices = await Keys.ListDevicesAsync("alice");
        var device = Assert.Single(devices);
        Assert.Equal("phone", device.DeviceId);
        Assert.Equal(upload.Identity.IdentityKey, device.IdentityKey);
        Assert.Equal(upload.Identity.IdentityDhSignature, device.IdentityDhSignature);

        var claimed = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var bundle = await Keys.ClaimBundleAsync("alice", "phone");
            Assert.NotNull(bundle);
            Assert.Equal(upload.SignedPrekey.PublicKey, bundle.SignedPrekey.PublicKey);
            Assert.Equal(upload.SignedPrekey.Signature, bundle.SignedPrekey.Signature);
            var prekey = Assert.IsType<OneTimePrekey>(bundle.OneTimePrekey);
            Assert.Equal(upload.OneTimePrekeys.Single(p => p.KeyId == prekey.KeyId).PublicKey, prekey.PublicKey);
            claimed.Add(prekey.KeyId);
        }
        Assert.Equal([1, 2, 3], claimed);
        Assert.Equal(0, await Keys.CountOneTimePrekeysAsync("alice", "phone"));

        var exhausted = await Keys.ClaimBundleAsync("alice", "phone");
        Assert.NotNull(exhausted);
        Assert.Null(exhausted.OneTimePrekey);
    }

    [ContractFact]
    public async Task Claim_UnknownDevice_IsNull()
    {
        Assert.Null(await Keys.ClaimBundleAsync("nobody", "nothing"));
        Assert.Null(await Keys.CountOneTimePrekeysAsync("nobody", "nothing"));
        Assert.Null(await Keys.AddOneTimePrekeysAsync("nobody", "nothing", [new OneTimePrekey(1, Random32())]));
        Assert.Empty(await Keys.ListDevicesAsync("nobody"));
    }

    [ContractFact]
    public async Task ConcurrentClaims_FromTwoDirectories_NeverHandOutAPrekeyTwice()
    {
        await Keys.PublishAsync(Upload("bob", "laptop", prekeys: 20));
        var other = Open();
        try
        {
            var claims = Enumerable.Range(0, 40)
                .Select(i => Task.Run(() => (i % 2 == 0 ? Keys : other).ClaimBundleAsync("bob", "laptop")))
                .ToList();
            var bundles = await Task.WhenAll(claims);

            var handedOut = bundles.Where(b => b!.OneTimePrekey is not null).Select(b => b!.OneTimePrekey!.KeyId).ToList();
            Assert.Equal(20, handedOut.Count);
            Assert.Equal(20, handedOut.Distinct().Count());
            Assert.Equal(20, bundles.Count(b => b!.OneTimePrekey is null));
        }
        finally
        {
            (other as IDisposable)?.Dispose();
        }
    }

    [ContractFact]
    public async Task Replenish_AddsNewIdsAndIgnoresRepeatedOnes()
    {
        await Keys.PublishAsync(Upload("carol", "tab", prekeys: 2));
        var count = await Keys.AddOneTimePrekeysAsync("carol", "tab", [new OneTimePrekey(2, Random32()), new OneTimePrekey(7, Random32())]);
        Assert.Equal(3, count);
    }

    [ContractFact]
    public async Task Republish_WithANewIdentity_DropsTheOldPrekeys_SameIdentityKeepsThem()
    {
        var first = Upload("dave", "phone", prekeys: 5);
        await Keys.PublishAsync(first);

        // Same identity, a rotated signed prekey and more one-time prekeys: the old ones stay valid.
        var rotated = first with { SignedPrekey = new SignedPrekey(2, Random32(), Random64()), OneTimePrekeys = [new OneTimePrekey(6, Random32())] };
        Assert.Equal(6, await Keys.PublishAsync(rotated));
        Assert.Equal(rotated.SignedPrekey.PublicKey, (await Keys.ClaimBundleAsync("dave", "phone"))!.SignedPrekey.PublicKey);

        // A reinstall: new identity, so the prekeys of the lost private keys go.
        var reinstalled = Upload("dave", "phone", prekeys: 1, firstId: 100);
        Assert.Equal(1, await Keys.PublishAsync(reinstalled));
        Assert.Equal(100, (await Keys.ClaimBundleAsync("dave", "phone"))!.OneTimePrekey!.KeyId);
    }

    [ContractFact]
    public async Task Devices_ArePerUser_AndRemovable()
    {
        await Keys.PublishAsync(Upload("erin", "b-phone", prekeys: 1));
        await Keys.PublishAsync(Upload("erin", "a-laptop", prekeys: 1));
        await Keys.PublishAsync(Upload("frank", "phone", prekeys: 1));

        Assert.Equal(["a-laptop", "b-phone"], (await Keys.ListDevicesAsync("erin")).Select(d => d.DeviceId));
        Assert.True(await Keys.RemoveDeviceAsync("erin", "b-phone"));
        Assert.False(await Keys.RemoveDeviceAsync("erin", "b-phone"));
        Assert.Equal(["a-laptop"], (await Keys.ListDevicesAsync("erin")).Select(d => d.DeviceId));
        Assert.Null(await Keys.ClaimBundleAsync("erin", "b-phone"));
        Assert.Single(await Keys.ListDevicesAsync("frank"));
    }

    protected static DeviceKeyUpload Upload(string user, string device, int prekeys, long firstId = 1) => new(
        new DeviceIdentity(user, device, Random32(), Random32(), Random64(), new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)),
        new SignedPrekey(1, Random32(), Random64()),
        Enumerable.Range(0, prekeys).Select(i => new OneTimePrekey(firstId + i, Random32())).ToList());

    private static byte[] Random32() => RandomNumberGenerator.GetBytes(32);

    private static byte[] Random64() => RandomNumberGenerator.GetBytes(64);
}

/// <summary>The key directory contract on the accounts' SQLite file.</summary>
public sealed class SqliteDeviceKeyDirectoryTests : DeviceKeyDirectoryContract
{
    private readonly TempFolder _folder = new();

    protected override IDeviceKeyDirectory Open() =>
        new SqliteDeviceKeyDirectory(TestOptions.Wrap(new IdentityOptions { UsersDatabase = _folder.File("users.db") }));

    protected override Task DeleteStoreAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The key directory contract on a real MongoDB (set CHATSTREAMS_MONGO_URL), each test in a database of its own.</summary>
[NeedsMongo]
public sealed class MongoDeviceKeyDirectoryTests : DeviceKeyDirectoryContract
{
    private readonly MongoTestDatabase _database = new();
    private readonly List<MongoUserDirectory> _users = [];

    protected override IDeviceKeyDirectory Open()
    {
        var users = new MongoUserDirectory(TestOptions.Wrap(new IdentityOptions { UsersProvider = "mongo", MongoUrl = _database.Url }));
        _users.Add(users);
        return new MongoDeviceKeyDirectory(users);
    }

    protected override async Task DeleteStoreAsync()
    {
        foreach (var users in _users) users.Dispose();
        await _database.DisposeAsync();
    }
}
