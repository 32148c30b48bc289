using System.CommandLine;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Chaos;

/// <summary>
/// `chatstreams-bench chaos`: the fault campaign — kill -9 of every kind of process under a steady chat load,
/// request faults in the broker, reconnect storms and rebalances — then checks that nothing was lost, doubled or
/// reordered and that every store is complete. Writes the "Fault campaign" section of docs/reliability.md.
/// </summary>
public static class ChaosCommand
{
    private static readonly ChaosSettings Defaults = new();
    private static readonly ChaosSettings Quick = ChaosSettings.QuickDefaults;

    private static readonly Option<int> Duration = new("--duration") { Description = $"Seconds of load with faults (--quick: {Quick.DurationSeconds})", DefaultValueFactory = _ => Defaults.DurationSeconds };
    private static readonly Option<int> Directs = new("--directs") { Description = $"Direct chats (--quick: {Quick.Directs})", DefaultValueFactory = _ => Defaults.Directs };
    private static readonly Option<int> Groups = new("--groups") { Description = $"Groups (--quick: {Quick.Groups})", DefaultValueFactory = _ => Defaults.Groups };
    private static readonly Option<int> GroupSize = new("--group-size") { Description = $"Members per group (--quick: {Quick.GroupSize})", DefaultValueFactory = _ => Defaults.GroupSize };
    private static readonly Option<double> Rate = new("--rate") { Description = $"Messages per second in all, open loop (--quick: {Quick.Rate})", DefaultValueFactory = _ => Defaults.Rate };
    private static readonly Option<double> FaultEvery = new("--fault-every") { Description = $"Seconds between faults (--quick: {Quick.FaultEverySeconds})", DefaultValueFactory = _ => Defaults.FaultEverySeconds };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed of the fault order, the storms' victims and the broker's fault dice (rerun a campaign with the same seed)", DefaultValueFactory = _ => Defaults.Seed };
    private static readonly Option<double> DropBefore = new("--broker-drop-before") { Description = "Chance per request that the broker drops the connection before acting on it", DefaultValueFactory = _ => Defaults.BrokerDropBeforeRate };
    private static readonly Option<double> DropAfter = new("--broker-drop-after") { Description = "Chance per request that the broker acts on it, then drops the connection instead of answering", DefaultValueFactory = _ => Defaults.BrokerDropAfterRate };
    private static readonly Option<double> Delay = new("--broker-delay") { Description = "Chance per request that the broker answers 200 ms late", DefaultValueFactory = _ => Defaults.BrokerDelayRate };
    private static readonly Option<string?> WorkDirectory = new("--work-dir") { Description = "Folder for the system's data and logs, kept afterwards (default: a temp folder, deleted when the checks pass)" };
    private static readonly Option<string> Output = new("--output") { Description = $"Markdown file whose \"{ChaosReport.Heading[3..]}\" section is (re)written", DefaultValueFactory = _ => Defaults.Output };
    private static readonly Option<bool> QuickOption = new("--quick") { Description = "A short campaign (about 3 minutes) that still injects every kind of fault" };

    public static Command Create()
    {
        var command = new Command("chaos", "Fault campaign: kill -9 every kind of process under load, broker request faults, reconnect storms, rebalances; checks nothing is lost, doubled or reordered")
        {
            Duration, Directs, Groups, GroupSize, Rate, FaultEvery, Seed, DropBefore, DropAfter, Delay, WorkDirectory, Output, QuickOption,
        };
        command.SetAction(async (parse, ct) => await RunAsync(SettingsFrom(parse), ct));
        return command;
    }

    public static ChaosSettings SettingsFrom(ParseResult parse)
    {
        var quick = parse.GetValue(QuickOption);
        T Value<T>(Option<T> option, T quickValue) =>
            quick && parse.GetResult(option) is null or { Implicit: true } ? quickValue : parse.GetValue(option)!;
        return new ChaosSettings
        {
            DurationSeconds = Value(Duration, Quick.DurationSeconds),
            WarmupSeconds = quick ? Quick.WarmupSeconds : Defaults.WarmupSeconds,
            Directs = Value(Directs, Quick.Directs),
            Groups = Value(Groups, Quick.Groups),
            GroupSize = Value(GroupSize, Quick.GroupSize),
            Rate = Value(Rate, Quick.Rate),
            FaultEverySeconds = Value(FaultEvery, Quick.FaultEverySeconds),
            Seed = parse.GetValue(Seed),
            BrokerDropBeforeRate = parse.GetValue(DropBefore),
            BrokerDropAfterRate = parse.GetValue(DropAfter),
            BrokerDelayRate = parse.GetValue(Delay),
            WorkDirectory = parse.GetValue(WorkDirectory),
            Output = parse.GetValue(Output)!,
            Quick = quick,
        };
    }

    private static async Task<int> RunAsync(ChaosSettings settings, CancellationToken ct)
    {
        if (settings.Problems() is { Count: > 0 } problems)
        {
            foreach (var problem in problems) Console.Error.WriteLine(problem);
            return 2;
        }
        ChaosVerdict verdict;
        try
        {
            verdict = await new ChaosCampaign(settings, Console.Error).RunAsync(ct);
        }
        catch (Exception e) when (ChaosCampaign.StoppedTheRun(e))
        {
            Console.Error.WriteLine($"the campaign could not run: {e.Message}");
            return 1;
        }
        var commandLine = "dotnet run -c Release --project src/ChatStreams.Bench -- chaos " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2));
        var section = new ChaosReport(verdict, MachineDescription.Current(), commandLine.TrimEnd()).ToMarkdown();
        var existing = File.Exists(settings.Output) ? await File.ReadAllTextAsync(settings.Output, ct) : "# Reliability\n";
        if (Path.GetDirectoryName(Path.GetFullPath(settings.Output)) is { } folder) Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(settings.Output, MarkdownSections.Replace(existing, ChaosReport.Heading, section), ct);
        Console.WriteLine(section);
        Console.WriteLine($"written to {settings.Output}");
        return verdict.Passed ? 0 : 1;
    }
}
