using System.CommandLine;
using ChatStreams.Edge;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Host.Commands;

/// <summary>
/// `chatstreams edge --id edge-0 --port 5001`: one WebSocket + REST edge against the Kafka, schema registry, auth
/// and Redis of the configuration (Kafka__*, SchemaRegistry__*, Auth__*, Redis__*, Edge__*). On SIGTERM it drains:
/// unhealthy first, then clients are told to reconnect elsewhere.
/// </summary>
internal static class EdgeCommand
{
    public static Command Create()
    {
        var id = new Option<string?>("--id") { Description = "Edge id (names its delivery topic delivery.<id>); default Edge__Id" };
        var port = new Option<int>("--port") { Description = "HTTP port (0 = any free port)", DefaultValueFactory = _ => 8080 };
        var host = new Option<string>("--host") { Description = "Address to listen on", DefaultValueFactory = _ => "0.0.0.0" };
        var verbose = new Option<bool>("--verbose") { Description = "Debug logging" };
        var command = new Command("edge", "Run a WebSocket + REST edge") { id, port, host, verbose };
        command.SetAction(async (parse, ct) =>
        {
            using var loggers = HostLogging.Create(parse.GetValue(verbose));
            var logger = loggers.CreateLogger("ChatStreams.Host");
            var configuration = HostConfiguration.Build();
            if (parse.GetValue(id) is { } edgeId) configuration[$"{EdgeOptions.Section}:Id"] = edgeId;
            try
            {
                // Edges serve /healthz, /readyz and /metrics on their own port; this adds the trace exporter.
                await using var observability = await Observability.ProcessObservability.StartAsync(configuration, configuration[$"{EdgeOptions.Section}:Id"] ?? "edge", () => null);
                await using var app = EdgeServer.Build(configuration, [$"http://{parse.GetValue(host)}:{parse.GetValue(port)}"], builder =>
                {
                    builder.Logging.ClearProviders();
                    builder.Services.AddSingleton(loggers);
                    builder.Services.AddSingleton<IHostLifetime, HostedByProcessLifetime>();
                });
                await app.StartAsync(CancellationToken.None);
                Console.Out.WriteLine($"edge {configuration[$"{EdgeOptions.Section}:Id"]} listening on {string.Join(", ", app.Urls)}");
                Console.Out.Flush();
                try { await Task.Delay(Timeout.Infinite, ct); } catch (OperationCanceledException) { }
                logger.LogInformation("stopping the edge");
                await app.StopAsync(CancellationToken.None);
                return 0;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or Microsoft.Extensions.Options.OptionsValidationException)
            {
                logger.LogCritical(e, "the edge could not start: {Reason}", e.Message);
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
