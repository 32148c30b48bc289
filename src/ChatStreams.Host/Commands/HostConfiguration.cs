using Microsoft.Extensions.Configuration;

namespace ChatStreams.Host.Commands;

/// <summary>appsettings.json beside the binary, then appsettings.{Environment}.json, then environment variables (Section__Key).</summary>
internal static class HostConfiguration
{
    public static IConfigurationRoot Build() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddJsonFile($"appsettings.{Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production"}.json", optional: true)
        .AddEnvironmentVariables()
        .Build();

    public static T Bind<T>(IConfiguration configuration, string section) where T : new()
    {
        var options = new T();
        configuration.GetSection(section).Bind(options);
        return options;
    }

    /// <summary>
    /// A sink's settings: <paramref name="defaults"/> (the sink's own, or SinkOptions' defaults), then section "Sinks"
    /// (every sink), then "Sinks:&lt;sink&gt;" (that sink only, e.g. Sinks__analytics__BatchSize).
    /// </summary>
    public static Sinks.SinkOptions BindSink(IConfiguration configuration, string sinkName, Sinks.SinkOptions? defaults = null)
    {
        var options = defaults ?? new Sinks.SinkOptions();
        var sinks = configuration.GetSection(Sinks.SinkOptions.Section);
        sinks.Bind(options);
        sinks.GetSection(sinkName).Bind(options);
        return options;
    }
}
