using System.CommandLine;

namespace ChatStreams.Ctl;

/// <summary>Options every command accepts (anywhere on the command line): the output form and the cluster to talk to.</summary>
public static class GlobalOptions
{
    public static readonly Option<bool> Json = new("--json") { Description = "Print JSON for scripts instead of tables", Recursive = true };

    public static readonly Option<string?> Bootstrap = new("--bootstrap")
    {
        Description = "Kafka bootstrap servers, e.g. 127.0.0.1:9092 (default: Kafka__BootstrapServers, then 127.0.0.1:9092)",
        Recursive = true,
    };
}
