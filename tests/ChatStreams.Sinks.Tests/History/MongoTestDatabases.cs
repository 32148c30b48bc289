using MongoDB.Driver;
using ChatStreams.TestSupport;

namespace ChatStreams.Sinks.Tests.History;

/// <summary>Fresh databases on the server from <see cref="MongoFactAttribute.UrlVariable"/>, all dropped on dispose.</summary>
internal sealed class MongoTestDatabases : IAsyncDisposable
{
    private readonly MongoUrlBuilder _server;
    private readonly MongoClient _client;
    private readonly List<string> _names = [];

    public MongoTestDatabases()
    {
        var server = Environment.GetEnvironmentVariable(MongoFactAttribute.UrlVariable)
            ?? throw new InvalidOperationException($"{MongoFactAttribute.UrlVariable} is not set; mark the test [MongoFact] or its class [NeedsMongo].");
        _server = new MongoUrlBuilder(server);
        // Credentials in the URL authenticate against its database unless authSource says otherwise; keep that
        // database as the source when pointing the URL at a fresh one.
        if (!string.IsNullOrEmpty(_server.Username) && string.IsNullOrEmpty(_server.AuthenticationSource))
            _server.AuthenticationSource = string.IsNullOrEmpty(_server.DatabaseName) ? "admin" : _server.DatabaseName;
        _client = new MongoClient(_server.ToMongoUrl());
    }

    public MongoClient Client => _client;

    /// <summary>The URL of a new database, unique to this run.</summary>
    public (string Name, string Url) Create()
    {
        var name = $"chatstreams_history_test_{Guid.NewGuid():N}";
        _names.Add(name);
        var builder = new MongoUrlBuilder(_server.ToString()) { DatabaseName = name };
        if (!string.IsNullOrEmpty(_server.AuthenticationSource)) builder.AuthenticationSource = _server.AuthenticationSource;
        return (name, builder.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var name in _names) await _client.DropDatabaseAsync(name);
        }
        finally
        {
            _client.Dispose();
        }
    }
}
