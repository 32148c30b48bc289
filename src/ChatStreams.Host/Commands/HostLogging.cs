using Microsoft.Extensions.Logging;

namespace ChatStreams.Host.Commands;

/// <summary>
/// Console logging shared by every command: one line per event for people, or with Observability__LogFormat=json one
/// JSON object per line (UTC timestamp, level, category, message, the structured fields, and the trace and span ids
/// of the current span) for a log pipeline. Level from --verbose.
/// </summary>
internal static class HostLogging
{
    public static ILoggerFactory Create(bool verbose) => Create(verbose, HostConfiguration.Build()[$"{Observability.ObservabilityOptions.Section}:LogFormat"] == "json");

    public static ILoggerFactory Create(bool verbose, bool json) => LoggerFactory.Create(b =>
    {
        if (json)
        {
            b.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
            b.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        }
        else
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
