using System.Globalization;
using System.Text;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Streams;

/// <summary>Renders the streams benchmark's section of docs/benchmarks.md.</summary>
public sealed class StreamsBenchReport(StreamsBenchSettings settings, MachineDescription machine, string dataFileSystem, double? otherCpuShare,
    StreamsBenchResult result)
{
    public const string Heading = "## Streams runtime";
    private static readonly CultureInfo Numbers = CultureInfo.InvariantCulture;

    public string ToMarkdown()
    {
        var s = settings;
        var md = new StringBuilder();
        md.AppendLine(Heading).AppendLine();
        md.AppendLine(string.Create(Numbers, $"Generated on {machine.Date:yyyy-MM-dd} (UTC) by `scripts/bench.sh`, i.e. `dotnet run -c Release --project src/ChatStreams.Bench -- streams " +
                           $"--records {s.Records} --partitions {s.Partitions} --keys {s.Keys} --restore-entries {s.RestoreEntries}`."));
        md.AppendLine(string.Create(Numbers, $"Machine: {machine.Processors} × {machine.CpuModel}, {machine.OperatingSystem}; {machine.Runtime}; the embedded broker " +
                           $"(in the benchmark process) and the state directories on {dataFileSystem}. {OtherCpu()}")).AppendLine();
        md.AppendLine(string.Create(Numbers, $"**Workload.** {s.Records:N0} input records ({s.Keys:N0} distinct string keys, {s.ValueSize}-byte values) on {s.Partitions} partitions, " +
                           $"written once; every run reads all of them from the beginning under its own group. Everything runs exactly-once: a " +
                           $"`KafkaStreams` with one stream thread (transactional producer, read_committed, commit interval {s.CommitIntervalMs} ms), and " +
                           $"next to it a hand-written loop over Confluent.Kafka with the same client settings (`KafkaClientConfigs`), the same commit " +
                           $"interval and the same writes per record (the count loop keeps a Dictionary and writes the output plus a changelog record, as " +
                           $"the topology's store does). A run's rate counts the records committed between the group's first commit and the commit " +
                           $"covering all input, so start-up (group join, restore) is left out equally. {Runs(s.WarmupRuns)} of each pipeline to warm up, then " +
                           $"{Runs(s.Runs)}, the runtime and the loop alternating; the table shows medians.")).AppendLine();

        md.AppendLine("| pipeline (EOS) | runtime rec/s | hand-written loop | loop rec/s | runtime / loop |");
        md.AppendLine("|---|---:|---|---:|---:|");
        foreach (var p in result.Pipelines)
            md.AppendLine(string.Create(Numbers, $"| {p.Name} | {p.StreamsMedian:N0} | {p.LoopName} | {p.LoopMedian:N0} | **{p.Ratio:N2}** |"));
        md.AppendLine();

        md.AppendLine(string.Create(Numbers, $"**Restore.** A store of {s.RestoreEntries:N0} entries (string keys, 8-byte values) rebuilt from one changelog partition by a " +
                           $"fresh instance (new state directory): the rate is the runtime's own `chatstreams.streams.restore.records` metric from the " +
                           $"first applied batch to the last; the time runs from `StartAsync` to the state Running (group join included). Median of {Runs(s.Runs)}."))
          .AppendLine();
        md.AppendLine("| store | entries | restore rec/s | start → running |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var r in result.Restores)
            md.AppendLine(string.Create(Numbers, $"| {r.Store} | {r.Entries:N0} | {r.MedianRecordsPerSecond:N0} | {r.MedianSeconds:N1} s |"));
        md.AppendLine();

        md.AppendLine("Every run (rec/s · seconds measured · start-up before the first commit):").AppendLine();
        foreach (var p in result.Pipelines)
        {
            md.AppendLine(string.Create(Numbers, $"- {p.Name}: {string.Join("; ", p.Streams.Select(Describe))}"));
            md.AppendLine(string.Create(Numbers, $"- {p.LoopName} (next to {p.Name}): {string.Join("; ", p.Loop.Select(Describe))}"));
        }
        foreach (var r in result.Restores)
            md.AppendLine(string.Create(Numbers, $"- restore into {r.Store}: {string.Join("; ", r.Runs.Select(x => string.Create(Numbers, $"{x.RecordsPerSecond:N0} · {x.Seconds:N1} s")))}"));
        return md.ToString();
    }

    private static string Describe(PipelineRun r) => string.Create(Numbers, $"{r.RecordsPerSecond:N0} · {r.Seconds:N2} s · {r.StartupSeconds:N2} s");

    private static string Runs(int n) => n == 1 ? "1 run" : $"{n} runs";

    private string OtherCpu() => otherCpuShare is { } share
        ? string.Create(Numbers, $"Other processes used {share:P0} of the machine's CPU time during the run{(share > 0.1 ? " — enough to skew these numbers; rerun on an idle machine" : "")}.")
        : "";
}
