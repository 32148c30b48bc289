using MongoDB.Driver;
using ChatStreams.TestSupport;

namespace ChatStreams.Identity.Tests;

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
