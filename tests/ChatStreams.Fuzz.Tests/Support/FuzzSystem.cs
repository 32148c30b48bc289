using ChatStreams.TestSupport;

namespace ChatStreams.Fuzz.Tests.Support;

/// <summary>`chatstreams up` (two edges behind the gateway, the registry, local media) shared by the fuzz tests.</summary>
public sealed class FuzzSystem() : LocalChatSystem("fuzz"), IAsyncLifetime
{
    public Task InitializeAsync() => StartAsync();

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>The key `up` generated for access tokens (dev-only, per data directory): lets tests forge variants.</summary>
    public byte[] TokenKey => Convert.FromBase64String(File.ReadAllText(Path.Combine(DataDirectory, "auth", "signing.key")).Trim());

    /// <summary>The key `up` generated for media URLs.</summary>
    public byte[] MediaKey => Convert.FromBase64String(File.ReadAllText(Path.Combine(DataDirectory, "auth", "media.key")).Trim());
}

[CollectionDefinition(Name)]
public sealed class FuzzSystemCollection : ICollectionFixture<FuzzSystem>
{
    public const string Name = "fuzz system";
}
