using Microsoft.Extensions.Configuration;

namespace ChatStreams.Ctl;

/// <summary>
/// chatctl reads the same configuration as the processes it talks to: appsettings.json beside the binary, then
/// environment variables (Section__Key, e.g. Analytics__Store), so one set of settings serves the sink and chatctl.
/// </summary>
public static class CtlConfiguration
{
    public static IConfiguration Build() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables()
        .Build();

    public static T Bind<T>(IConfiguration configuration, string section) where T : new()
    {
        var options = new T();
        configuration.GetSection(section).Bind(options);
        return options;
    }
}
