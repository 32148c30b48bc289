using System.Globalization;
using System.Text;
using ChatStreams.Bench.Measurement;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Sinks;

/// <summary>Renders the sinks benchmark's section of docs/benchmarks.md.</summary>
public sealed class SinksBenchReport(SinksBenchSettings settings, MachineDescription machine, string dataFileSystem, double? otherCpuShare, SinksBenchResult result)
{
    public const string Heading = "## Sinks";
    private static readonly CultureInfo Numbers = CultureInfo.InvariantCulture;

    public string ToMarkdown()
    {
        var s = settings;
        var md = new StringBuilder();
        md.AppendLine(Heading).AppendLine();
        md.AppendLine(string.Create(Numbers, $"Generated on {machine.Date:yyyy-MM-dd} (UTC) by `scripts/bench.sh`, i.e. `dotnet run -c Release --project src/ChatStreams.Bench -- sinks " +
                                $"--messages {s.Messages} --conversations {s.Conversations} --rate {s.Rate:0.#} --freshness-seconds {s.FreshnessSeconds} " +
                                $"--partitions {s.Partitions} --linger-ms {s.LingerMs}`."));
        md.AppendLine(string.Create(Numbers, $"Machine: {machine.Processors} × {machine.CpuModel}, {machine.OperatingSystem}; {machine.Runtime}; the broker, the registry, the " +
                                $"sinks, their stores and the readers in the benchmark process (ClickHouse in its own server process), sharing its {machine.Processors} " +
                                $"cores; data on {dataFileSystem}. {OtherCpu()}")).AppendLine();
        md.AppendLine(string.Create(Numbers, $"**Set-up.** The embedded broker (durable: acks=all answered after the fsync) and registry on loopback; chat.events with {s.Partitions} " +
                                $"partitions, written as the conversation topology writes it (Avro over the registry, keyed by conversation, in transactions). Each sink " +
                                $"is the `SinkRunner` its `chatstreams sink` command runs (read_committed consumer group, batches of 500 or {s.LingerMs} ms linger, " +
                                $"offsets committed after the durable write), on a fresh store in a temp folder. Message bodies are {s.BodyLength} characters."))
          .AppendLine();
        md.AppendLine(string.Create(Numbers, $"**Throughput** (rows/s a sink lands): chat.events is preloaded with {s.Messages:N0} messages in {s.Conversations:N0} conversations " +
                                $"(plus their creations); each sink then runs alone from a standing start until its group's committed offsets reach the topic's end " +
                                $"(so its store holds everything), group join included. **Freshness** (how long from a message's seq to its being readable): afterwards " +
                                $"all sinks run at once while {result.FreshnessMessages:N0} messages are written at {result.FreshnessRate:0.#}/s over {s.FreshnessConversations} " +
                                $"conversations in transactions every ~30 ms; a watcher per store polls every 5 ms and times each message from its transaction's commit " +
                                $"(when read_committed readers may see it) to the first poll that found it: the conversation's head in history, a search for the message's " +
                                $"unique word, `max(seq)` over the analytics `messages` table. Cells are p50 / p95 / p99 / max in ms."))
          .AppendLine();
        md.AppendLine("| sink | store | records | seconds | rows/s | freshness p50 / p95 / p99 / max (ms) |");
        md.AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var r in result.Sinks)
            md.AppendLine(string.Create(Numbers, $"| {r.Name} | {r.Store} | {r.Records:N0} | {r.Seconds:N1} | **{r.RowsPerSecond:N0}** | {Freshness(r.Freshness)} |"));
        md.AppendLine();
        if (result.Skipped is { } skipped) md.AppendLine($"Not measured: {skipped}.").AppendLine();
        md.AppendLine(string.Create(Numbers, $"Freshness is bounded below by the batch linger ({s.LingerMs} ms: a quiet sink writes a batch that long after its first record) " +
                                $"plus the write; `chatstreams up` gives the history sink a 50 ms linger because the edges wait for it before reads."));
        return md.ToString();
    }

    private static string Freshness(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0) return "—";
        var sorted = samples.Order().ToArray();
        return string.Create(Numbers, $"{Percentiles.Of<double>(sorted, 50):0} / {Percentiles.Of<double>(sorted, 95):0} / {Percentiles.Of<double>(sorted, 99):0} / {sorted[^1]:0}");
    }

    private string OtherCpu() => otherCpuShare is { } share
        ? string.Create(Numbers, $"Other processes used {share:P0} of the machine's CPU during the run.")
        : "";
}
