using System.CommandLine;
using ChatStreams.Gateway;
using ChatStreams.Host.Observability;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Host.Commands;

/// <summary>
/// `chatstreams gateway --port 8080`: the YARP gateway in front of the edges of Gateway__Edges__N (or those Kubernetes
/// lists when Gateway__Kubernetes__Enabled=true).
/// </summary>
internal static class GatewayCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "HTTP port (0 = any free port)", DefaultValueFactory = _ => 8080 };
        var host = new Option<string>("--host") { Description = "Address to listen on", DefaultValueFactory = _ => "0.0.0.0" };
        var verbose = new Option<bool>("--verbose") { Description = "Debug logging" };
        var command = new Command("gateway", "Run the gateway in front of the edges") { port, host, verbose };
        command.SetAction(async (parse, ct) =>
        {
            using var loggers = HostLogging.Create(parse.GetValue(verbose));
            var logger = loggers.CreateLogger("ChatStreams.Host");
            try
            {
                var configuration = HostConfiguration.Build();
                var readiness = new ProcessReadiness("the gateway is starting");
                // The gateway's own paths are proxied to edges, so /healthz, /readyz and /metrics are on the operations port.
                await using var observability = await ProcessObservability.StartAsync(configuration, "gateway", () => readiness.NotReadyReason);
                await using var app = GatewayServer.Build(configuration, [$"http://{parse.GetValue(host)}:{parse.GetValue(port)}"], loggers);
                await app.StartAsync(CancellationToken.None);
                var proxyState = app.Services.GetRequiredService<Yarp.ReverseProxy.IProxyStateLookup>();
                readiness.MarkReady(() => GatewayStatus.Capture(proxyState).NotServingReason);
                Console.Out.WriteLine($"gateway listening on {string.Join(", ", app.Urls)}");
                Console.Out.Flush();
                try { await Task.Delay(Timeout.Infinite, ct); } catch (OperationCanceledException) { }
                await app.StopAsync(CancellationToken.None);
                return 0;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or Microsoft.Extensions.Options.OptionsValidationException or ArgumentException)
            {
                logger.LogCritical(e, "the gateway could not start: {Reason}", e.Message);
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
