using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Topologies;

/// <summary>`chatstreams-bench topologies`: messages and deliveries per second through the conversation and fan-out topologies, and where a message's time goes, written into docs/benchmarks.md.</summary>
public static class TopologiesBenchCommand
{
    public static Command Create()
    {
        var d = new TopologiesBenchSettings();
        var sizes = ListOption("--sizes", "Members per conversation, comma-separated (one measured set each)", d.Sizes, int.Parse);
        var messages = ListOption("--messages", "Messages of each size's burst (one per size, or one for all)", d.Messages, int.Parse);
        var rates = ListOption("--rate", "Messages per second of each size's latency run (one per size, or one for all)", d.Rates,
            s => double.Parse(s, CultureInfo.InvariantCulture));
        var latencySeconds = new Option<int>("--latency-seconds") { Description = "How long each latency run sends", DefaultValueFactory = _ => d.LatencySeconds };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of every chat topic", DefaultValueFactory = _ => d.Partitions };
        var commitInterval = new Option<int>("--commit-interval-ms") { Description = "Commit interval of both topologies (EOS)", DefaultValueFactory = _ => d.CommitIntervalMs };
        var warmup = new Option<int>("--warmup-messages") { Description = "Messages through both topologies before measuring (0: none)", DefaultValueFactory = _ => d.WarmupMessages };
        var bodyLength = new Option<int>("--body-length") { Description = "Characters per message body", DefaultValueFactory = _ => d.BodyLength };
        var output = new Option<string>("--output") { Description = "Markdown file whose \"## Chat topologies\" section is (re)written", DefaultValueFactory = _ => d.Output };
        var dataParent = new Option<string>("--data-parent") { Description = "Folder for the broker's data and the state directories (a real disk)", DefaultValueFactory = _ => d.DataParent };
        var schemas = new Option<string>("--schemas") { Description = "Folder of the .avsc files to register", DefaultValueFactory = _ => d.SchemasFolder };

        var command = new Command("topologies", "Conversation + fan-out topologies on the embedded broker: messages/s and deliveries/s per group size, and the topologies' share of end-to-end latency")
        {
            sizes, messages, rates, latencySeconds, partitions, commitInterval, warmup, bodyLength, output, dataParent, schemas,
        };
        command.SetAction(async parse => await RunAsync(new TopologiesBenchSettings
        {
            Sizes = parse.GetValue(sizes)!,
            Messages = parse.GetValue(messages)!,
            Rates = parse.GetValue(rates)!,
            LatencySeconds = parse.GetValue(latencySeconds),
            Partitions = parse.GetValue(partitions),
            CommitIntervalMs = parse.GetValue(commitInterval),
            WarmupMessages = parse.GetValue(warmup),
            BodyLength = parse.GetValue(bodyLength),
            Output = parse.GetValue(output)!,
            DataParent = parse.GetValue(dataParent)!,
            SchemasFolder = parse.GetValue(schemas)!,
        }));
        return command;
    }

    /// <summary>An option taking a list as "2,50,500" (or "2 50 500").</summary>
    private static Option<T[]> ListOption<T>(string name, string description, IReadOnlyList<T> defaults, Func<string, T> parse) => new(name)
    {
        Description = description,
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => defaults.ToArray(),
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0) return defaults.ToArray();
            var values = new List<T>();
            foreach (var item in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                try { values.Add(parse(item)); }
                catch (FormatException)
                {
                    result.AddError($"{name}: '{item}' is not a number.");
                    return [];
                }
            }
            return values.ToArray();
        },
    };

    private static async Task<int> RunAsync(TopologiesBenchSettings settings)
    {
        if (settings.Problems() is { Count: > 0 } problems)
        {
            foreach (var problem in problems) Console.Error.WriteLine(problem);
            return 2;
        }
        using var loggers = new StderrWarningLoggerFactory();
        var before = CpuSample.Take();
        TopologiesBenchResult result;
        try
        {
            result = await new TopologiesBenchmark(settings, loggers, Console.Out).RunAsync();
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            Console.Error.WriteLine($"the benchmark failed: {e.Message}");
            return 1;
        }
        var after = CpuSample.Take();
        double? otherCpu = before is not null && after is not null ? CpuSample.OtherShare(before, after) : null;

        var section = new TopologiesBenchReport(settings, MachineDescription.Current(), MachineDescription.FileSystemOf(settings.DataParent), otherCpu, result)
            .ToMarkdown();
        var existing = File.Exists(settings.Output) ? await File.ReadAllTextAsync(settings.Output) : null;
        if (Path.GetDirectoryName(Path.GetFullPath(settings.Output)) is { } folder) Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(settings.Output, MarkdownSections.Replace(existing, TopologiesBenchReport.Heading, section));
        Console.WriteLine();
        Console.WriteLine(section);
        Console.WriteLine($"written to {settings.Output}");
        return 0;
    }
}
