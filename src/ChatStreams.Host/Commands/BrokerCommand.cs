using System.CommandLine;
using ChatStreams.Kafka.Broker;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Host.Commands;

/// <summary>`chatstreams broker`: the embedded Kafka broker alone.</summary>
internal static class BrokerCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string>("--data-dir") { Description = "Directory for the broker's logs and state", DefaultValueFactory = _ => "data/kafka" };
        var port = new Option<int>("--port") { Description = "TCP port to listen on (0 = any free port)", DefaultValueFactory = _ => 9092 };
        var host = new Option<string>("--host") { Description = "Interface to bind", DefaultValueFactory = _ => "127.0.0.1" };
        var verbose = new Option<bool>("--verbose") { Description = "Debug logging" };
        var command = new Command("broker", "Run the embedded single-node Kafka broker") { dataDir, port, host, verbose };
        command.SetAction(async (parse, ct) =>
        {
            using var loggers = HostLogging.Create(parse.GetValue(verbose));
            var options = HostConfiguration.Bind<BrokerOptions>(HostConfiguration.Build(), BrokerOptions.Section);
            options.DataDirectory = parse.GetValue(dataDir)!;
            options.Port = parse.GetValue(port);
            options.Host = parse.GetValue(host)!;
            await using var broker = await KafkaBroker.StartAsync(options, loggers);
            Console.Out.WriteLine($"broker listening on {broker.BootstrapServers}");
            Console.Out.Flush();
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { }
            return 0;
        });
        return command;
    }
}
