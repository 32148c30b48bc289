using System.CommandLine;
using ChatStreams.Bench.Reporting;
using ChatStreams.Contracts;

namespace ChatStreams.Bench.Sinks;

/// <summary>`chatstreams-bench sinks`: rows/s each sink lands and how fresh each store is, written into docs/benchmarks.md.</summary>
public static class SinksBenchCommand
{
    public static Command Create()
    {
        var d = new SinksBenchSettings();
        var messages = new Option<int>("--messages") { Description = "Messages preloaded for the throughput runs", DefaultValueFactory = _ => d.Messages };
        var conversations = new Option<int>("--conversations") { Description = "Conversations of the throughput messages", DefaultValueFactory = _ => d.Conversations };
        var rate = new Option<double>("--rate") { Description = "Messages per second of the freshness run", DefaultValueFactory = _ => d.Rate };
        var seconds = new Option<int>("--freshness-seconds") { Description = "How long the freshness run writes", DefaultValueFactory = _ => d.FreshnessSeconds };
        var freshConversations = new Option<int>("--freshness-conversations") { Description = "Conversations of the freshness run", DefaultValueFactory = _ => d.FreshnessConversations };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of chat.events", DefaultValueFactory = _ => d.Partitions };
        var bodyLength = new Option<int>("--body-length") { Description = "Characters per message body", DefaultValueFactory = _ => d.BodyLength };
        var linger = new Option<int>("--linger-ms") { Description = "The sinks' batch linger (Sinks:BatchLinger)", DefaultValueFactory = _ => d.LingerMs };
        var noClickHouse = new Option<bool>("--no-clickhouse") { Description = "Skip ClickHouse even when clickhouse-server is installed" };
        var output = new Option<string>("--output") { Description = "Markdown file whose \"## Sinks\" section is (re)written", DefaultValueFactory = _ => d.Output };
        var dataParent = new Option<string>("--data-parent") { Description = "Folder for the broker's data and the stores (a real disk)", DefaultValueFactory = _ => d.DataParent };
        var schemas = new Option<string>("--schemas") { Description = "Folder of the .avsc files to register", DefaultValueFactory = _ => d.SchemasFolder };
        var command = new Command("sinks", "History, search and analytics sinks on the embedded broker: rows/s each lands and freshness (commit → readable) p50/p99")
        {
            messages, conversations, rate, seconds, freshConversations, partitions, bodyLength, linger, noClickHouse, output, dataParent, schemas,
        };
        command.SetAction(async parse => await RunAsync(new SinksBenchSettings
        {
            Messages = parse.GetValue(messages),
            Conversations = parse.GetValue(conversations),
            Rate = parse.GetValue(rate),
            FreshnessSeconds = parse.GetValue(seconds),
            FreshnessConversations = parse.GetValue(freshConversations),
            Partitions = parse.GetValue(partitions),
            BodyLength = parse.GetValue(bodyLength),
            LingerMs = parse.GetValue(linger),
            ClickHouse = !parse.GetValue(noClickHouse),
            Output = parse.GetValue(output)!,
            DataParent = parse.GetValue(dataParent)!,
            SchemasFolder = parse.GetValue(schemas)!,
        }));
        return command;
    }

    private static async Task<int> RunAsync(SinksBenchSettings settings)
    {
        if (settings.Problems() is { Count: > 0 } problems)
        {
            foreach (var problem in problems) Console.Error.WriteLine(problem);
            return 2;
        }
        using var loggers = new StderrWarningLoggerFactory();
        var (factories, skipped) = BenchSinks.All(settings);
        var before = CpuSample.Take();
        SinksBenchResult result;
        try
        {
            result = await new SinksBenchmark(settings, loggers, Console.Out).RunAsync(factories, skipped);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException)
        {
            Console.Error.WriteLine($"the benchmark failed: {e.Message}");
            return 1;
        }
        var after = CpuSample.Take();
        double? otherCpu = before is not null && after is not null ? CpuSample.OtherShare(before, after) : null;
        var section = new SinksBenchReport(settings, MachineDescription.Current(), MachineDescription.FileSystemOf(settings.DataParent), otherCpu, result).ToMarkdown();
        var existing = File.Exists(settings.Output) ? await File.ReadAllTextAsync(settings.Output) : null;
        if (Path.GetDirectoryName(Path.GetFullPath(settings.Output)) is { } folder) Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(settings.Output, MarkdownSections.Replace(existing, SinksBenchReport.Heading, section));
        Console.WriteLine();
        Console.WriteLine(section);
        Console.WriteLine($"written to {settings.Output}");
        return 0;
    }
}
