using System.CommandLine;
using ChatStreams.Ctl.Commands;
using Microsoft.Extensions.Configuration;

namespace ChatStreams.Ctl;

/// <summary>
/// The command tree and its exit codes: 0 done, 1 the operation failed (the message says why and what to do), 2 the
/// command line was wrong. Output and configuration come in from outside, so tests run it in-process.
/// </summary>
public static class ChatCtl
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    /// <summary>Every chatctl command, in the order --help lists them. </summary>
    private static IEnumerable<Command> Commands(CtlContext context) =>
    [
        StatusCommand.Create(context),
        TopicsCommand.Create(context),
        ScaleEdgesCommand.Create(context),
        RescalePartitionsCommand.Create(context),
        ReplaySinkCommand.Create(context),
        AnalyticsCommand.Create(context),
    ];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IConfiguration configuration, CancellationToken ct)
    {
        var context = new CtlContext(output, error, configuration);
        var root = new RootCommand("chatctl: operate and query a ChatStreams system") { GlobalOptions.Json, GlobalOptions.Bootstrap };
        foreach (var command in Commands(context)) root.Subcommands.Add(command);
        var parse = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = output, Error = error };
        if (parse.Errors.Count > 0)
        {
            // System.CommandLine exits 1 on a parse error; 1 means "the operation failed" here, so usage errors get 2.
            foreach (var e in parse.Errors) await error.WriteLineAsync($"error: {e.Message}");
            await error.WriteLineAsync("Run 'chatctl --help' (or 'chatctl <command> --help') for usage.");
            return Usage;
        }
        return await parse.InvokeAsync(invocation, ct);
    }
}

/// <summary>What every command gets: where to write and the configuration (appsettings.json beside chatctl, then env vars).</summary>
public sealed record CtlContext(TextWriter Output, TextWriter Error, IConfiguration Configuration);
