using MongoDB.Driver;

namespace ChatStreams.Identity.Tests;

/// <summary>
/// A test that needs a real MongoDB: it runs when <see cref="UrlVariable"/> is set and is reported as skipped, with
/// how to run it, when not. No MongoDB server package exists on the build machines, so skipping is the usual case.
/// </summary>
public sealed class MongoFactAttribute : FactAttribute
{
    public const string UrlVariable = "CHATSTREAMS_MONGO_URL";

    public MongoFactAttribute()
    {
        Skip = SkipReason(Environment.GetEnvironmentVariable(UrlVariable));
    }

    public static string? SkipReason(string? url) => string.IsNullOrWhiteSpace(url)
        ? $"needs a MongoDB server: set {UrlVariable}=mongodb://host:27017 (for example mongodb://127.0.0.1:27017) to run"
        : null;
}

/// <summary>
/// On a <see cref="UserDirectoryContract{TDirectory}"/> subclass that needs a real MongoDB: its inherited contract tests
/// are skipped with the same reason as a <see cref="MongoFactAttribute"/> test.
/// </summary>
public sealed class NeedsMongoAttribute : StoreAvailabilityAttribute
{
    public override string? SkipReason =>
        MongoFactAttribute.SkipReason(Environment.GetEnvironmentVariable(MongoFactAttribute.UrlVariable));
}

/// <summary>A database of its own on the server from <see cref="MongoFactAttribute.UrlVariable"/>, dropped afterwards.</summary>
internal sealed class MongoTestDatabase : IAsyncDisposable
{
    public MongoTestDatabase()
    {
        var server = Environment.GetEnvironmentVariable(MongoFactAttribute.UrlVariable)
            ?? throw new InvalidOperationException($"{MongoFactAttribute.UrlVariable} is not set; mark the test [MongoFact] or its class [NeedsMongo].");
        var builder = new MongoUrlBuilder(server);
        // Credentials in the URL authenticate against its database unless authSource says otherwise; keep that
        // database as the source when pointing the URL at a fresh one.
        if (!string.IsNullOrEmpty(builder.Username) && string.IsNullOrEmpty(builder.AuthenticationSource))
        {
            builder.AuthenticationSource = string.IsNullOrEmpty(builder.DatabaseName) ? "admin" : builder.DatabaseName;
        }

        Name = TestOptions.UniqueName("chatstreams_test");
        builder.DatabaseName = Name;
        Url = builder.ToString();
        Client = new MongoClient(Url);
    }

    public string Name { get; }

    /// <summary>The server's URL with <see cref="Name"/> as the database.</summary>
    public string Url { get; }

    public MongoClient Client { get; }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Client.DropDatabaseAsync(Name);
        }
        finally
        {
            Client.Dispose();
        }
    }
}
