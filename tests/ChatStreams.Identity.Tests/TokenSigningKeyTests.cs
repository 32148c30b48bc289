using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatStreams.Identity.Tests;

public sealed class TokenSigningKeyTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void SigningKeyFile_Missing_IsCreatedWith64RandomBytesOwnerOnly_AndReadBackAfterwards()
    {
        var path = _folder.File("keys", "nested", "signing.key");

        var first = TokenSigningKey.Load(new IdentityOptions { SigningKeyFile = path });
        var second = TokenSigningKey.Load(new IdentityOptions { SigningKeyFile = path });

        Assert.Equal(64, Convert.FromBase64String(File.ReadAllText(path).Trim()).Length);
        Assert.Equal(first.SecurityKey.Key, second.SecurityKey.Key);
        Assert.Equal(Convert.FromBase64String(File.ReadAllText(path)), first.SecurityKey.Key);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Equal(["signing.key"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task SigningKeyFile_CreatedByConcurrentLoaders_EveryoneGetsTheSameKey()
    {
        for (var round = 0; round < 10; round++)
        {
            var path = _folder.File($"round-{round}", "signing.key");
            const int loaders = 8;
            using var start = new Barrier(loaders);
            var keys = await Task.WhenAll(Enumerable.Range(0, loaders).Select(_ => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                return TokenSigningKey.LoadOrCreateFile(path).SecurityKey.Key;
            }, TaskCreationOptions.LongRunning)));

            var onDisk = Convert.FromBase64String(File.ReadAllText(path));
            Assert.All(keys, key => Assert.Equal(onDisk, key));
            Assert.Equal(["signing.key"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
        }
    }

    [Fact]
    public void SigningKey_TakesPrecedenceOverFile()
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        var key = TokenSigningKey.Load(new IdentityOptions
        {
            SigningKey = Convert.ToBase64String(bytes),
            SigningKeyFile = _folder.File("unused.key"),
        });

        Assert.Equal(bytes, key.SecurityKey.Key);
        Assert.False(File.Exists(_folder.File("unused.key")));
    }

    [Fact]
    public void SigningKey_ShorterThan32Bytes_IsRefusedWithClearMessage()
    {
        var shortKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(31));

        var error = Assert.Throws<SigningKeyException>(() => TokenSigningKey.Load(new IdentityOptions { SigningKey = shortKey }));

        Assert.Contains("Auth__SigningKey is 31 bytes; at least 32 random bytes are required", error.Message);
    }

    [Fact]
    public void SigningKeyFile_WithShortKey_IsRefused()
    {
        var path = _folder.File("short.key");
        File.WriteAllText(path, Convert.ToBase64String(new byte[16]));

        var error = Assert.Throws<SigningKeyException>(() => TokenSigningKey.Load(new IdentityOptions { SigningKeyFile = path }));

        Assert.Contains(path, error.Message);
        Assert.Contains("16 bytes", error.Message);
    }

    [Fact]
    public void SigningKey_NotBase64_IsRefused()
    {
        var error = Assert.Throws<SigningKeyException>(() => TokenSigningKey.Load(new IdentityOptions { SigningKey = "not base64 at all!" }));

        Assert.Contains("not valid base64", error.Message);
    }

    [Fact]
    public void NothingConfigured_MessageNamesBothSettings()
    {
        var error = Assert.Throws<SigningKeyException>(() => TokenSigningKey.Load(new IdentityOptions()));

        Assert.Contains("No token signing key is configured", error.Message);
        Assert.Contains("Auth__SigningKey", error.Message);
        Assert.Contains("Auth__SigningKeyFile", error.Message);
    }

    [Fact]
    public async Task HostStartup_WithoutSigningKey_FailsNamingTheSettings()
    {
        await using var app = BuildApp(new Dictionary<string, string?> { ["Auth:UsersDatabase"] = _folder.File("users.db") });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Auth__SigningKey", error.Message);
        Assert.Contains("Auth__SigningKeyFile", error.Message);
    }

    [Fact]
    public async Task HostStartup_WithShortKeyAndBadArgon2Settings_FailsListingEachProblem()
    {
        await using var app = BuildApp(new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = Convert.ToBase64String(new byte[8]),
            ["Auth:Argon2Parallelism"] = "0",
            ["Auth:LoginAttemptsPerMinute"] = "0",
            ["Auth:UsersDatabase"] = _folder.File("users.db"),
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("8 bytes; at least 32", error.Message);
        Assert.Contains("Auth__Argon2Parallelism=0", error.Message);
        Assert.Contains("Auth__LoginAttemptsPerMinute must be at least 1", error.Message);
    }

    [Fact]
    public async Task HostStartup_WithKeyFile_CreatesTheKeyBeforeServing()
    {
        var path = _folder.File("data", "signing.key");
        await using var app = BuildApp(new Dictionary<string, string?>
        {
            ["Auth:SigningKeyFile"] = path,
            ["Auth:UsersDatabase"] = _folder.File("data", "users.db"),
        });

        await app.StartAsync();
        try
        {
            Assert.True(File.Exists(path));
            Assert.True(File.Exists(_folder.File("data", "users.db")));
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private WebApplication BuildApp(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = _folder.Path });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddChatIdentity(builder.Configuration);
        var app = builder.Build();
        app.MapIdentityApi();
        return app;
    }
}
