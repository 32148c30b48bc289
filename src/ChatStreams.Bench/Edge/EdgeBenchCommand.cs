using System.CommandLine;
using System.Globalization;
using System.Net.WebSockets;
using ChatStreams.Bench.Reporting;
using ChatStreams.Streams;

namespace ChatStreams.Bench.Edge;

/// <summary>`chatstreams-bench edge`: real WebSocket clients through the gateway and both edges — latency and delivery rate of direct and group chat — written into docs/benchmarks.md.</summary>
public static class EdgeBenchCommand
{
    private static readonly EdgeBenchSettings Defaults = new();
    private static readonly EdgeBenchSettings Quick = EdgeBenchSettings.QuickDefaults;

    private static readonly Option<string?> Url = new("--url") { Description = "Gateway of an already running system (default: start `chatstreams up` on free ports and stop it afterwards)" };
    private static readonly Option<int> Pairs = new("--pairs") { Description = $"Direct conversations of the direct scenario (--quick: {Quick.Pairs})", DefaultValueFactory = _ => Defaults.Pairs };
    private static readonly Option<int> Messages = new("--messages") { Description = $"Messages per sender (--quick: {Quick.Messages})", DefaultValueFactory = _ => Defaults.Messages };
    private static readonly Option<double> Rate = new("--rate") { Description = $"Messages per second per sending connection, below the edge's {EdgeBenchSettings.ConnectionRateLimit} frames/s", DefaultValueFactory = _ => Defaults.Rate };
    private static readonly Option<int> GroupSize = new("--group-size") { Description = $"Members of the group scenario's group (--quick: {Quick.GroupSize})", DefaultValueFactory = _ => Defaults.GroupSize };
    private static readonly Option<int> GroupSenders = new("--group-senders") { Description = $"Members of the group that send (--quick: {Quick.GroupSenders})", DefaultValueFactory = _ => Defaults.GroupSenders };
    private static readonly Option<string> Output = new("--output") { Description = $"Markdown file whose \"{EdgeBenchReport.Heading[3..]}\" section is (re)written", DefaultValueFactory = _ => Defaults.Output };
    private static readonly Option<bool> QuickOption = new("--quick") { Description = "Small sizes for a smoke test (sizes given explicitly still win)" };

    public static Command Create()
    {
        var command = new Command("edge", "Real WebSocket clients through the gateway and both edges: send → ack and send → message latency, deliveries/s, and a seq check of every device")
        {
            Url, Pairs, Messages, Rate, GroupSize, GroupSenders, Output, QuickOption,
        };
        command.SetAction(async (parse, ct) => await RunAsync(SettingsFrom(parse), ct));
        return command;
    }

    /// <summary>The settings a command line asks for; --quick changes the defaults only, so a size given explicitly is kept.</summary>
    public static EdgeBenchSettings SettingsFrom(ParseResult parse)
    {
        var quick = parse.GetValue(QuickOption);
        T Value<T>(Option<T> option, T quickValue) =>
            quick && parse.GetResult(option) is null or { Implicit: true } ? quickValue : parse.GetValue(option)!;
        return new EdgeBenchSettings
        {
            Url = parse.GetValue(Url),
            Pairs = Value(Pairs, Quick.Pairs),
            Messages = Value(Messages, Quick.Messages),
            Rate = Value(Rate, Quick.Rate),
            GroupSize = Value(GroupSize, Quick.GroupSize),
            GroupSenders = Value(GroupSenders, Quick.GroupSenders),
            Output = parse.GetValue(Output)!,
            Quick = quick,
        };
    }

    private static async Task<int> RunAsync(EdgeBenchSettings settings, CancellationToken ct)
    {
        if (settings.Problems() is { Count: > 0 } problems)
        {
            foreach (var problem in problems) Console.Error.WriteLine(problem);
            return 2;
        }
        EdgeBenchResult result;
        try
        {
            result = await new EdgeBenchmark(settings, Console.Error).RunAsync(ct);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException or WebSocketException)
        {
            Console.Error.WriteLine($"the benchmark failed: {e.Message}");
            return 1;
        }

        var section = new EdgeBenchReport(settings, MachineDescription.Current(), settings.Url is null ? CommitIntervalMs() : null, result).ToMarkdown();
        var existing = File.Exists(settings.Output) ? await File.ReadAllTextAsync(settings.Output, ct) : null;
        if (Path.GetDirectoryName(Path.GetFullPath(settings.Output)) is { } folder) Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(settings.Output, MarkdownSections.Replace(existing, EdgeBenchReport.Heading, section), ct);
        Console.WriteLine();
        Console.WriteLine(section);
        Console.WriteLine($"written to {settings.Output}");
        if (result.Passed) return 0;
        Console.Error.WriteLine("the checks failed: not every message reached every device exactly once and in order (see the section)");
        return 1;
    }

    /// <summary>The topologies' commit interval in the `up` the benchmark starts: the environment it inherits, else the chat applications' default.</summary>
    private static int CommitIntervalMs() =>
        int.TryParse(Environment.GetEnvironmentVariable($"{StreamsConfig.Section}__{nameof(StreamsConfig.CommitIntervalMs)}"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? ms
            : ChatStreams.Topologies.ChatApplications.DefaultCommitIntervalMs;
}
