using System.CommandLine;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Load;

/// <summary>
/// `chatstreams-bench load`: many WebSocket clients against ChatStreams and, in the same run, a SignalR + Redis baseline;
/// writes a JSON result, a latency-over-time SVG and its section of docs/benchmarks.md.
/// </summary>
public static class LoadBenchCommand
{
    private static readonly Option<string> Systems = new("--systems")
    {
        Description = $"Systems to drive, comma-separated, in order: {string.Join(", ", LoadBenchSettings.AllSystems)}",
        DefaultValueFactory = _ => string.Join(",", LoadBenchSettings.AllSystems),
    };

    private static readonly Option<string> Scenarios = new("--scenarios")
    {
        Description = "Scenarios, comma-separated: " + string.Join("; ", LoadBenchSettings.FullScenarios.Select(s =>
            $"{s.Name} ({s.Title}: {s.Conversations} × {s.Size} members, {s.Senders} senders, {(s.Rising ? $"{s.Rate:0}→{s.RisingTo:0}" : $"{s.Rate:0}")} messages/s)")),
        DefaultValueFactory = _ => string.Join(",", LoadBenchSettings.FullScenarios.Select(s => s.Name)),
    };

    private static readonly Option<double?> Seconds = new("--seconds") { Description = "Seconds of traffic per scenario, per step of a rising run (default: 20, reconnect 30, rising 10)" };
    private static readonly Option<double?> Rate = new("--rate") { Description = "Messages/s offered per scenario instead of each scenario's own; for rising, the first step's rate" };
    private static readonly Option<double> P99Limit = new("--p99-limit-ms") { Description = "p99 a rising-rate step must stay under to hold", DefaultValueFactory = _ => 100 };
    private static readonly Option<string> Output = new("--output") { Description = $"Markdown file whose \"{LoadBenchReport.Heading[3..]}\" section is (re)written", DefaultValueFactory = _ => "docs/benchmarks.md" };
    private static readonly Option<string> Results = new("--results-dir") { Description = "Folder of load.json and load-latency.svg (linked from the section)", DefaultValueFactory = _ => "docs/benchmarks" };
    private static readonly Option<double?> WarmUpSeconds = new("--warm-up-seconds")
    {
        Description = $"Seconds of unreported warm-up before the scenarios (default {LoadBenchSettings.FullWarmUp.Seconds:0}, --quick {LoadBenchSettings.QuickWarmUp.Seconds:0}; 0: none)",
    };
    private static readonly Option<bool> QuickOption = new("--quick") { Description = "Small sizes (≈1 minute per system) for a smoke test" };
    private static readonly Option<string?> SystemLog = new("--system-log")
    {
        Description = "File that receives every line `chatstreams up` prints (its components' logs), to find what a slow or stalled step was waiting for",
    };

    public static Command Create()
    {
        var command = new Command("load", "Load test: N WebSocket clients through the gateway, open-loop sends, end-to-end latency (HdrHistogram, no coordinated omission), " +
                                          "throughput, loss and duplicates, CPU and memory — ChatStreams side by side with a SignalR + Redis baseline, same scenarios, same machine")
        {
            Systems, Scenarios, Seconds, Rate, P99Limit, Output, Results, WarmUpSeconds, QuickOption, SystemLog,
        };
        command.SetAction(async (parse, ct) => await RunAsync(SettingsFrom(parse), ct));
        return command;
    }

    public static LoadBenchSettings SettingsFrom(ParseResult parse) => new()
    {
        Systems = List(parse.GetValue(Systems)),
        ScenarioNames = List(parse.GetValue(Scenarios)),
        Seconds = parse.GetValue(Seconds),
        Rate = parse.GetValue(Rate),
        P99LimitMs = parse.GetValue(P99Limit),
        Output = parse.GetValue(Output)!,
        ResultsDirectory = parse.GetValue(Results)!,
        Quick = parse.GetValue(QuickOption),
        WarmUpSeconds = parse.GetValue(WarmUpSeconds),
        SystemLog = parse.GetValue(SystemLog),
    };

    private static List<string> List(string? text) => [.. (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant())];

    /// <summary>Runs the systems one after the other, then writes the result files and the section; returns the exit code.</summary>
    public static async Task<int> RunAsync(LoadBenchSettings settings, CancellationToken ct)
    {
        if (settings.Problems() is { Count: > 0 } problems)
        {
            foreach (var problem in problems) Console.Error.WriteLine(problem);
            return 2;
        }
        var started = DateTime.UtcNow;
        var loadBefore = LoadAverage();
        var speedBefore = CpuSpeedProbe.Measure();
        var systems = new List<LoadSystemResult>();
        try
        {
            foreach (var name in settings.Systems)
            {
                await using ILoadSystem system = name == LoadBenchSettings.ChatStreams ? new ChatStreamsLoadSystem(settings.SystemLog) : new SignalRLoadSystem();
                systems.Add(await new LoadBenchmark(settings, Console.Error).RunAsync(system, ct));
            }
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException or WebSocketException)
        {
            Console.Error.WriteLine($"the load benchmark failed: {e.Message}");
            return 1;
        }
        var result = new LoadBenchResult(started, MachineDescription.Current(), loadBefore, LoadAverage(), settings.P99LimitMs, settings.Quick, systems)
        {
            CpuSpeed = new CpuSpeedProbes(speedBefore, CpuSpeedProbe.Measure()),
        };
        var (json, svg) = await WriteResultsAsync(settings, result, ct);

        var outputFolder = Path.GetDirectoryName(Path.GetFullPath(settings.Output)) ?? ".";
        string Link(string path) => Path.GetRelativePath(outputFolder, path).Replace('\\', '/');
        var section = new LoadBenchReport(settings, result, Link(svg), Link(json)).ToMarkdown();
        var existing = File.Exists(settings.Output) ? await File.ReadAllTextAsync(settings.Output, ct) : null;
        Directory.CreateDirectory(outputFolder);
        await File.WriteAllTextAsync(settings.Output, MarkdownSections.Replace(existing, LoadBenchReport.Heading, section), ct);
        Console.WriteLine();
        Console.WriteLine(section);
        Console.WriteLine($"written to {settings.Output}, {json} and {svg}");
        return 0;
    }

    public static async Task<(string Json, string Svg)> WriteResultsAsync(LoadBenchSettings settings, LoadBenchResult result, CancellationToken ct)
    {
        Directory.CreateDirectory(settings.ResultsDirectory);
        var json = Path.GetFullPath(Path.Combine(settings.ResultsDirectory, "load.json"));
        var svg = Path.GetFullPath(Path.Combine(settings.ResultsDirectory, "load-latency.svg"));
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(result, JsonOptions), ct);
        await File.WriteAllTextAsync(svg, LatencyPlot.Render(result), ct);
        return (json, svg);
    }

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>/proc/loadavg's 1, 5 and 15 minute averages, or "unknown".</summary>
    private static string LoadAverage()
    {
        try { return string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }
}
