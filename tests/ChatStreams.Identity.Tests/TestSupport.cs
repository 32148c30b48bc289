using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace ChatStreams.Identity.Tests;

/// <summary>A private folder per test, removed afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "chatstreams-identity-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

internal static class TestOptions
{
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Small Argon2 memory so tests that hash many times stay fast; hashing tests use the defaults.</summary>
    public static IdentityOptions Fast(string usersDatabase, int loginAttemptsPerMinute = 10) => new()
    {
        SigningKey = NewKey(),
        UsersDatabase = usersDatabase,
        Argon2MemoryKiB = 1024,
        Argon2Iterations = 1,
        LoginAttemptsPerMinute = loginAttemptsPerMinute,
    };

    public static IOptions<IdentityOptions> Wrap(IdentityOptions options) => Options.Create(options);

    public static string UniqueName(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..10];
}
