using ChatStreams.TestSupport;
using ChatStreams.SchemaRegistry;
using Confluent.SchemaRegistry;

namespace ChatStreams.Contracts.Tests;

/// <summary>An embedded registry on a free loopback port with every file in schemas/ registered, as the host does at start.</summary>
public sealed class RegistryFixture : IAsyncLifetime
{
    private SchemaRegistryServer? server;

    public IReadOnlyList<(string Subject, int Id)> Registered { get; private set; } = [];

    public ISchemaRegistryClient Client { get; private set; } = null!;

    public SchemaRegistryClientOptions Options { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        server = await SchemaRegistryServer.StartAsync(new SchemaRegistryOptions { Host = "127.0.0.1", Port = 0 });
        Registered = await SchemaFolder.RegisterAllAsync(server, RepositoryPaths.SchemasFolder);
        Options = new SchemaRegistryClientOptions { Url = server.Url };
        Client = Options.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (server is not null) await server.DisposeAsync();
    }

    /// <summary>A separate, empty registry for tests that must see what gets registered.</summary>
    public static Task<SchemaRegistryServer> StartEmptyAsync() =>
        SchemaRegistryServer.StartAsync(new SchemaRegistryOptions { Host = "127.0.0.1", Port = 0 });
}
