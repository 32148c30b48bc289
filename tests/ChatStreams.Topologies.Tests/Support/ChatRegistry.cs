using ChatStreams.TestSupport;
using ChatStreams.Contracts;
using ChatStreams.SchemaRegistry;
using Confluent.SchemaRegistry;

namespace ChatStreams.Topologies.Tests.Support;

/// <summary>
/// The embedded schema registry on a free loopback port with every schema in schemas/ registered (as the host does
/// at start), shared by all tests of the assembly: the topologies' Avro serdes need one.
/// </summary>
public sealed class ChatRegistry : IAsyncLifetime
{
    private SchemaRegistryServer? server;

    public ISchemaRegistryClient Client { get; private set; } = null!;

    public ContractSerdes Serdes { get; private set; } = null!;

    public string Url => server!.Url;

    public async Task InitializeAsync()
    {
        server = await SchemaRegistryServer.StartAsync(new SchemaRegistryOptions { Host = "127.0.0.1", Port = 0 });
        await SchemaFolder.RegisterAllAsync(server, RepositoryPaths.SchemasFolder);
        var options = new SchemaRegistryClientOptions { Url = server.Url };
        Client = options.CreateClient();
        Serdes = new ContractSerdes(new ChatSerdes(Client, options));
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (server is not null) await server.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ChatRegistryCollection : ICollectionFixture<ChatRegistry>
{
    public const string Name = "chat registry";
}
