using ChatStreams.Bench.Edge;

namespace ChatStreams.Bench.Load;

/// <summary>What `chatstreams-bench load` runs (its command-line options).</summary>
public sealed record LoadBenchSettings
{
    public const string ChatStreams = "chatstreams";
    public const string SignalR = "signalr";
    public static IReadOnlyList<string> AllSystems { get; } = [ChatStreams, SignalR];

    /// <summary>Systems to drive, in order: chatstreams, signalr.</summary>
    public IReadOnlyList<string> Systems { get; init; } = AllSystems;

    /// <summary>Scenario names to run, in order.</summary>
    public IReadOnlyList<string> ScenarioNames { get; init; } = [.. FullScenarios.Select(s => s.Name)];

    /// <summary>Seconds of traffic per scenario (a rising run: per step); null: each scenario's own.</summary>
    public double? Seconds { get; init; }

    /// <summary>Messages/s offered per scenario (a rising run: its first step); null: each scenario's own.</summary>
    public double? Rate { get; init; }

    /// <summary>p99 a rising-rate step must stay under to pass.</summary>
    public double P99LimitMs { get; init; } = 100;

    public string Output { get; init; } = "docs/benchmarks.md";

    /// <summary>Folder of the JSON result and the latency plot.</summary>
    public string ResultsDirectory { get; init; } = "docs/benchmarks";

    public bool Quick { get; init; }

    /// <summary>A file that receives every line `chatstreams up` prints during the run (null: kept in memory only, for errors).</summary>
    public string? SystemLog { get; init; }

    /// <summary>The scenarios of the issue, sized for a 2-core machine and a run of both systems in ~15 minutes.</summary>
    public static IReadOnlyList<LoadScenario> FullScenarios { get; } =
    [
        new("direct", "many small direct chats", 2, 200, 2, 400, 20),
        new("group50", "groups of 50", 50, 4, 10, 100, 20),
        new("group1000", "one group of 1,000", 1000, 1, 10, 10, 20),
        new("reconnect", "reconnect storm (20 % of clients drop and resume at once)", 10, 40, 10, 400, 30, DropFraction: 0.2),
        new("rising", "rising rate into groups of 10", 10, 100, 10, 500, 10, RisingTo: 8000),
    ];

    /// <summary>--quick: a smoke test of every scenario in about a minute per system.</summary>
    public static IReadOnlyList<LoadScenario> QuickScenarios { get; } =
    [
        new("direct", "many small direct chats", 2, 10, 2, 40, 4),
        new("group50", "a group of 50", 50, 1, 5, 10, 4),
        new("group1000", "one group of 100 (--quick)", 100, 1, 5, 5, 4),
        new("reconnect", "reconnect storm (20 % of clients drop and resume at once)", 10, 4, 10, 40, 6, DropFraction: 0.2),
        new("rising", "rising rate into groups of 10", 10, 4, 10, 40, 3, RisingTo: 160),
    ];

    /// <summary>
    /// Not reported: run before the scenarios so that both systems are measured warm. Long enough for .NET's tiered JIT to
    /// finish the hot paths of every process (the search sink's Lucene was still compiling a minute after start, a tenth
    /// of the machine's CPU in the first measured step), on enough conversations to reach every partition.
    /// </summary>
    public static LoadScenario FullWarmUp { get; } = new("warm-up", "warm-up", 10, 20, 10, 200, 30);

    /// <summary>--quick's warm-up: connections and first JIT only.</summary>
    public static LoadScenario QuickWarmUp { get; } = new("warm-up", "warm-up", 10, 2, 10, 40, 4);

    /// <summary>Seconds of warm-up instead of the full or --quick one's (0: none).</summary>
    public double? WarmUpSeconds { get; init; }

    /// <summary>The warm-up to run, or null for none.</summary>
    public LoadScenario? WarmUp => WarmUpSeconds switch
    {
        0 => null,
        { } seconds => (Quick ? QuickWarmUp : FullWarmUp) with { Seconds = seconds },
        null => Quick ? QuickWarmUp : FullWarmUp,
    };

    /// <summary>Bisections of a rising run after its first failed step.</summary>
    public int Refinements { get; init; } = 2;

    /// <summary>Scenarios to pick <see cref="ScenarioNames"/> from instead of the full or --quick ones (tests size their own).</summary>
    public IReadOnlyList<LoadScenario>? Catalog { get; init; }

    private IReadOnlyList<LoadScenario> Available => Catalog ?? (Quick ? QuickScenarios : FullScenarios);

    public IReadOnlyList<LoadScenario> Scenarios =>
        [.. ScenarioNames.Select(name => Available.First(s => s.Name == name))
            .Select(s => Seconds is { } seconds ? s with { Seconds = seconds } : s)
            .Select(s => Rate is { } rate ? s with { Rate = rate } : s)];

    /// <summary>Clients every system connects once and the scenarios share.</summary>
    public int Clients => Scenarios.Select(s => s.Clients).DefaultIfEmpty(0).Max();

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var system in Systems.Where(s => !AllSystems.Contains(s)))
            problems.Add($"--systems: unknown system '{system}'; use {string.Join(", ", AllSystems)}.");
        if (Systems.Count == 0) problems.Add("--systems: name at least one system.");
        var known = Available.Select(s => s.Name).ToList();
        foreach (var name in ScenarioNames.Where(n => !known.Contains(n)))
            problems.Add($"--scenarios: unknown scenario '{name}'; use {string.Join(", ", known)}.");
        if (ScenarioNames.Count == 0) problems.Add("--scenarios: name at least one scenario.");
        if (Seconds is { } seconds && !(seconds > 0)) problems.Add("--seconds must be positive.");
        if (Rate is { } rate && !(rate > 0)) problems.Add("--rate must be positive (messages/s).");
        if (WarmUpSeconds is { } warmUp && !(warmUp >= 0)) problems.Add("--warm-up-seconds must be 0 (no warm-up) or positive.");
        if (!(P99LimitMs > 0)) problems.Add("--p99-limit-ms must be positive.");
        if (problems.Count > 0) return problems;
        foreach (var scenario in Scenarios)
        {
            problems.AddRange(scenario.Problems());
            var perConnection = scenario.Rising ? scenario.RisingTo!.Value / scenario.Senders : scenario.Rate / scenario.Senders;
            if (perConnection >= EdgeBenchSettings.ConnectionRateLimit)
                problems.Add($"{scenario.Name}: {perConnection:0.#} messages/s per sending connection is not below the edge's limit of {EdgeBenchSettings.ConnectionRateLimit} frames/s; sends would be refused.");
        }
        return problems;
    }
}
