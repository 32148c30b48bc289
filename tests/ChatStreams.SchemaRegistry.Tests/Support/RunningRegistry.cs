namespace ChatStreams.SchemaRegistry.Tests.Support;

/// <summary>A registry on a free loopback port plus an HTTP client for it; disposed at the end of each test.</summary>
internal sealed class RunningRegistry : IAsyncDisposable
{
    private RunningRegistry(SchemaRegistryServer server)
    {
        Server = server;
        Http = new RegistryClient(server.Url);
    }

    public SchemaRegistryServer Server { get; }

    public RegistryClient Http { get; }

    public string Url => Server.Url;

    public static async Task<RunningRegistry> StartAsync(string? dataDirectory = null, string defaultCompatibility = "BACKWARD_TRANSITIVE") =>
        new(await SchemaRegistryServer.StartAsync(new SchemaRegistryOptions { DataDirectory = dataDirectory, DefaultCompatibility = defaultCompatibility }));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
