using System.CommandLine;
using ChatStreams.Bench.Native;
using ChatStreams.Bench.Reporting;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Bench.BrokerBench;

/// <summary>`chatstreams-bench broker`: embedded broker vs librdkafka's mock cluster, written into docs/benchmarks.md.</summary>
public static class BrokerBenchCommand
{
    public static Command Create()
    {
        var defaults = new BrokerBenchSettings();
        var records = new Option<int>("--records") { Description = "Records per run (the same for every target)", DefaultValueFactory = _ => defaults.Records };
        var recordSize = new Option<int>("--record-size") { Description = "Bytes per record value", DefaultValueFactory = _ => defaults.RecordSize };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of each benchmark topic", DefaultValueFactory = _ => defaults.Partitions };
        var runs = new Option<int>("--runs") { Description = "Measured runs per target (the median is reported)", DefaultValueFactory = _ => defaults.Runs };
        var warmup = new Option<int>("--warmup-runs") { Description = "Unmeasured full-size runs per target before the measured ones", DefaultValueFactory = _ => defaults.WarmupRuns };
        var transactionBatch = new Option<int>("--transaction-batch") { Description = "Records per transaction in the transactional runs (0 skips them)", DefaultValueFactory = _ => defaults.TransactionBatch };
        var output = new Option<string>("--output") { Description = "Markdown file whose \"## Embedded Kafka broker\" section is (re)written", DefaultValueFactory = _ => defaults.Output };
        var dataParent = new Option<string>("--data-parent") { Description = "Folder for the embedded broker's temporary data directory (a real disk)", DefaultValueFactory = _ => defaults.DataParent };

        var command = new Command("broker", "Embedded Kafka broker vs librdkafka's mock cluster: produce and consume throughput, produce latency")
        {
            records, recordSize, partitions, runs, warmup, transactionBatch, output, dataParent,
        };
        command.SetAction(async parse =>
        {
            var settings = new BrokerBenchSettings
            {
                Records = parse.GetValue(records),
                RecordSize = parse.GetValue(recordSize),
                Partitions = parse.GetValue(partitions),
                Runs = parse.GetValue(runs),
                WarmupRuns = parse.GetValue(warmup),
                TransactionBatch = parse.GetValue(transactionBatch),
                Output = parse.GetValue(output)!,
                DataParent = parse.GetValue(dataParent)!,
            };
            return await RunAsync(settings);
        });
        return command;
    }

    private static async Task<int> RunAsync(BrokerBenchSettings settings)
    {
        if (settings.Problems() is { Count: > 0 } problems)
        {
            foreach (var problem in problems) Console.Error.WriteLine(problem);
            return 2;
        }

        using var loggers = new StderrWarningLoggerFactory();
        var before = CpuSample.Take();
        var targets = await new BrokerBenchmark(settings, loggers, Console.Out).RunAsync();
        var after = CpuSample.Take();
        double? otherCpu = before is not null && after is not null ? CpuSample.OtherShare(before, after) : null;

        var report = new BrokerBenchReport(settings, MachineDescription.Current(), MockCluster.LibraryVersion,
            MachineDescription.FileSystemOf(settings.DataParent), otherCpu, targets);
        var section = report.ToMarkdown();
        var existing = File.Exists(settings.Output) ? await File.ReadAllTextAsync(settings.Output) : null;
        if (Path.GetDirectoryName(Path.GetFullPath(settings.Output)) is { } folder) Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(settings.Output, MarkdownSections.Replace(existing, BrokerBenchReport.Heading, section));

        Console.WriteLine();
        Console.WriteLine(section);
        Console.WriteLine($"written to {settings.Output}");
        return 0;
    }
}
