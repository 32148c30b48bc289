using ChatStreams.SchemaRegistry.Tests.Support;
using Microsoft.Extensions.Logging;
using static ChatStreams.SchemaRegistry.Tests.Support.AvroSchemas;

namespace ChatStreams.SchemaRegistry.Tests.Http;

public class LoggingTests
{
    [Fact]
    public async Task Registry_logs_through_the_given_factory_and_leaves_console_signals_to_the_host()
    {
        var capture = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Debug));

        await using (var server = await SchemaRegistryServer.StartAsync(new SchemaRegistryOptions(), factory))
        {
            await server.RegisterAsync("chat.events-value", ChatEvent(Id));
            Assert.Contains(capture.Lines, l => l.Contains($"Schema registry listening on {server.Url}") && l.Contains("in memory") && l.Contains("BACKWARD_TRANSITIVE"));
        }

        Assert.Contains(capture.Lines, l => l.Contains("Registered schema id 1 as version 1 of subject chat.events-value"));
        Assert.Contains(capture.Lines, l => l.Contains("stopped"));
        Assert.DoesNotContain(capture.Lines, l => l.Contains("Ctrl+C"));
    }
}
