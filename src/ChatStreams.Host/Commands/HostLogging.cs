using Microsoft.Extensions.Logging;

namespace ChatStreams.Host.Commands;

/// <summary>Console logging shared by every command: one line per event, level from --verbose or Logging:LogLevel.</summary>
internal static class HostLogging
{
    public static ILoggerFactory Create(bool verbose) => LoggerFactory.Create(b =>
    {
        b.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        b.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
        // Per-connection noise from the broker's request handling is only interesting when debugging.
        b.AddFilter("ChatStreams.Kafka.Broker.Log", verbose ? LogLevel.Debug : LogLevel.Warning);
        b.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
    });
}
