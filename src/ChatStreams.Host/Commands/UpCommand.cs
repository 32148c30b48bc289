using System.CommandLine;
using ChatStreams.Host.Supervision;
using ChatStreams.Kafka.Broker;
using ChatStreams.Kafka.Broker.Server;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Host.Commands;

/// <summary>`chatstreams up`: the whole system on one machine with embedded defaults.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "Directory for all state (Kafka logs, registry, stores)", DefaultValueFactory = _ => "data" };
        var port = new Option<int>("--port") { Description = "HTTP port of the gateway, the system's public URL (0 = any free port)", DefaultValueFactory = _ => 8080 };
        var statusPort = new Option<int>("--status-port") { Description = "HTTP port of /status and /healthz of the supervisor (0 = any free port)", DefaultValueFactory = _ => 0 };
        var edges = new Option<int>("--edges") { Description = "Number of edges behind the gateway", DefaultValueFactory = _ => 2 };
        var kafkaPort = new Option<int>("--kafka-port") { Description = "Port of the embedded Kafka broker (0 = any free port)", DefaultValueFactory = _ => 9092 };
        var registryPort = new Option<int>("--registry-port") { Description = "Port of the embedded schema registry (0 = any free port)", DefaultValueFactory = _ => 8081 };
        var kafka = new Option<string?>("--kafka") { Description = "Bootstrap servers of a Kafka to use instead of the embedded broker (e.g. a `chatstreams broker` run on its own)" };
        var verbose = new Option<bool>("--verbose") { Description = "Debug logging" };
        var command = new Command("up", "Start the whole system: embedded Kafka, schema registry and every component")
        {
            dataDir, port, statusPort, edges, kafkaPort, registryPort, kafka, verbose,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var loggers = HostLogging.Create(parse.GetValue(verbose));
            var logger = loggers.CreateLogger("ChatStreams.Host");
            var configuration = HostConfiguration.Build();
            var root = Path.GetFullPath(parse.GetValue(dataDir)!);
            var brokerOptions = HostConfiguration.Bind<BrokerOptions>(configuration, BrokerOptions.Section);
            brokerOptions.DataDirectory = Path.Combine(root, "kafka");
            brokerOptions.Port = parse.GetValue(kafkaPort);
            brokerOptions.Host = "127.0.0.1";

            try
            {
                await using var system = await LocalSystem.StartAsync(new LocalSystem.Settings(
                    root, brokerOptions, parse.GetValue(registryPort), parse.GetValue(statusPort), configuration,
                    GatewayPort: parse.GetValue(port), EdgeCount: Math.Max(1, parse.GetValue(edges)), ExternalKafka: parse.GetValue(kafka)), loggers, ct);
                Console.Out.WriteLine($"ChatStreams is up: {system.GatewayUrl} (kafka {system.KafkaBootstrap}, registry {system.RegistryUrl}, status {system.FrontUrl})");
                Console.Out.Flush();
                try { await Task.Delay(Timeout.Infinite, ct); }
                catch (OperationCanceledException) { }
                logger.LogInformation("stopping ChatStreams");
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                logger.LogCritical(e, "ChatStreams could not start: {Reason}", e.Message);
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            return 0;
        });
        return command;
    }
}
