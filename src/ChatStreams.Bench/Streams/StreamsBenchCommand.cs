using System.CommandLine;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Streams;

/// <summary>`chatstreams-bench streams`: the streams runtime next to hand-written loops, plus restore speed, written into docs/benchmarks.md.</summary>
public static class StreamsBenchCommand
{
    public static Command Create()
    {
        var d = new StreamsBenchSettings();
        var records = new Option<int>("--records") { Description = "Input records per pipeline run", DefaultValueFactory = _ => d.Records };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of the input and output topics", DefaultValueFactory = _ => d.Partitions };
        var keys = new Option<int>("--keys") { Description = "Distinct keys of the input", DefaultValueFactory = _ => d.Keys };
        var valueSize = new Option<int>("--value-size") { Description = "Bytes per input value", DefaultValueFactory = _ => d.ValueSize };
        var restoreEntries = new Option<int>("--restore-entries") { Description = "Entries of the store whose restore is measured", DefaultValueFactory = _ => d.RestoreEntries };
        var runs = new Option<int>("--runs") { Description = "Measured runs per pipeline (the median is reported)", DefaultValueFactory = _ => d.Runs };
        var warmup = new Option<int>("--warmup-runs") { Description = "Unmeasured runs per pipeline first", DefaultValueFactory = _ => d.WarmupRuns };
        var commitInterval = new Option<int>("--commit-interval-ms") { Description = "Commit interval of the runtime and the loops", DefaultValueFactory = _ => d.CommitIntervalMs };
        var output = new Option<string>("--output") { Description = "Markdown file whose \"## Streams runtime\" section is (re)written", DefaultValueFactory = _ => d.Output };
        var dataParent = new Option<string>("--data-parent") { Description = "Folder for the broker's data and the state directories (a real disk)", DefaultValueFactory = _ => d.DataParent };

        var command = new Command("streams", "Streams runtime (EOS) vs hand-written consume→produce loops, and store restore speed")
        {
            records, partitions, keys, valueSize, restoreEntries, runs, warmup, commitInterval, output, dataParent,
        };
        command.SetAction(async parse => await RunAsync(new StreamsBenchSettings
        {
            Records = parse.GetValue(records),
            Partitions = parse.GetValue(partitions),
            Keys = parse.GetValue(keys),
            ValueSize = parse.GetValue(valueSize),
            RestoreEntries = parse.GetValue(restoreEntries),
            Runs = parse.GetValue(runs),
            WarmupRuns = parse.GetValue(warmup),
            CommitIntervalMs = parse.GetValue(commitInterval),
            Output = parse.GetValue(output)!,
            DataParent = parse.GetValue(dataParent)!,
        }));
        return command;
    }

    private static async Task<int> RunAsync(StreamsBenchSettings settings)
    {
        if (settings.Problems() is { Count: > 0 } problems)
        {
            foreach (var problem in problems) Console.Error.WriteLine(problem);
            return 2;
        }
        using var loggers = new StderrWarningLoggerFactory();
        var before = CpuSample.Take();
        var result = await new StreamsBenchmark(settings, loggers, Console.Out).RunAsync();
        var after = CpuSample.Take();
        double? otherCpu = before is not null && after is not null ? CpuSample.OtherShare(before, after) : null;

        var section = new StreamsBenchReport(settings, MachineDescription.Current(), MachineDescription.FileSystemOf(settings.DataParent), otherCpu, result)
            .ToMarkdown();
        var existing = File.Exists(settings.Output) ? await File.ReadAllTextAsync(settings.Output) : null;
        if (Path.GetDirectoryName(Path.GetFullPath(settings.Output)) is { } folder) Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(settings.Output, MarkdownSections.Replace(existing, StreamsBenchReport.Heading, section));
        Console.WriteLine();
        Console.WriteLine(section);
        Console.WriteLine($"written to {settings.Output}");
        return 0;
    }
}
