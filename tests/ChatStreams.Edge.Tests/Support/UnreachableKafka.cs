using ChatStreams.Contracts;
using ChatStreams.Edge.Kafka;
using ChatStreams.Kafka;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge.Tests.Support;

/// <summary>
/// A <see cref="CommandPublisher"/> pointed at ports nothing listens on: building the producer does not connect, so
/// a <see cref="Connections.ClientFrameHandler"/> can be built for frames that never become commands (ping, resume,
/// typing). Shared by a test class because a producer is costly to create.
/// </summary>
public sealed class UnreachableKafka : IDisposable
{
    private readonly CachedSchemaRegistryClient _registry = new(new SchemaRegistryConfig { Url = "http://127.0.0.1:1" });

    public UnreachableKafka()
    {
        var serdes = new ChatSerdes(_registry, new SchemaRegistryClientOptions { Url = "http://127.0.0.1:1" });
        Commands = new CommandPublisher(
            Options.Create(new KafkaOptions { BootstrapServers = "127.0.0.1:1", Extra = { ["log_level"] = "0" } }),
            Options.Create(new EdgeOptions { Id = "edge-test" }), serdes);
    }

    public CommandPublisher Commands { get; }

    public void Dispose()
    {
        Commands.Dispose();
        _registry.Dispose();
    }
}
