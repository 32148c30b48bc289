using System.Net.Http.Json;
using System.Text.Json;
using ChatStreams.TestSupport;

namespace ChatStreams.Fuzz.Tests.Support;

/// <summary>`chatstreams up` (two edges behind the gateway, the registry, local media) shared by the fuzz tests.</summary>
public sealed class FuzzSystem() : LocalChatSystem("fuzz"), IAsyncLifetime
{
    public Task InitializeAsync() => StartAsync();

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>The key `up` generated for access tokens (dev-only, per data directory): lets tests forge variants.</summary>
    public byte[] TokenKey => Convert.FromBase64String(File.ReadAllText(Path.Combine(DataDirectory, "auth", "signing.key")).Trim());

    /// <summary>Fails when a component of `up` crashed (the supervisor restarted it) since the start: no input may kill a server.</summary>
    public async Task AssertNothingCrashedAsync()
    {
        var status = await Http.GetFromJsonAsync<JsonElement>(StatusUrl + "/status");
        var restarted = status.GetProperty("components").EnumerateArray()
            .Where(c => c.GetProperty("restarts").GetInt32() > 0).Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.True(restarted.Count == 0, $"restarted (crashed) while fuzzing: {string.Join(", ", restarted)}\n{Log()}");
    }

    /// <summary>The key `up` generated for media URLs.</summary>
    public byte[] MediaKey => Convert.FromBase64String(File.ReadAllText(Path.Combine(DataDirectory, "auth", "media.key")).Trim());
}

[CollectionDefinition(Name)]
public sealed class FuzzSystemCollection : ICollectionFixture<FuzzSystem>
{
    public const string Name = "fuzz system";
}
