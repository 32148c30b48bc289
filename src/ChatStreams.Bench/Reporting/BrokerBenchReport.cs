using System.Globalization;
using System.Text;
using ChatStreams.Bench.BrokerBench;

namespace ChatStreams.Bench.Reporting;

/// <summary>Renders the broker benchmark's section of docs/benchmarks.md.</summary>
public sealed class BrokerBenchReport(
    BrokerBenchSettings settings,
    MachineDescription machine,
    string librdkafkaVersion,
    string dataFileSystem,
    double? otherCpuShare,
    IReadOnlyList<TargetSummary> targets)
{
    public const string Heading = "## Embedded Kafka broker";

    /// <summary>The issue's goal: the embedded broker at no less than this share of the mock cluster's throughput.</summary>
    public const double TargetRatio = 0.5;

    private static readonly CultureInfo Numbers = CultureInfo.InvariantCulture;

    public string ToMarkdown()
    {
        var s = settings;
        var md = new StringBuilder();
        md.AppendLine(Heading).AppendLine();
        md.AppendLine(string.Create(Numbers, $"Generated on {machine.Date:yyyy-MM-dd} (UTC) by `scripts/bench.sh`, i.e. `dotnet run -c Release --project src/ChatStreams.Bench -- broker " +
                                $"--records {s.Records} --record-size {s.RecordSize} --partitions {s.Partitions}`."));
        md.AppendLine(string.Create(Numbers, $"Machine: {machine.Processors} × {machine.CpuModel} (nproc {machine.Processors}), {machine.OperatingSystem}; {machine.Runtime}; " +
                                $"librdkafka {librdkafkaVersion} (the clients and the mock cluster, from Confluent.Kafka {ClientVersion()}); " +
                                $"the embedded broker's data directory on {dataFileSystem}. {OtherCpu()}")).AppendLine();

        md.AppendLine(string.Create(Numbers, $"**Workload.** One Confluent.Kafka producer (idempotent, acks=all, linger.ms 5, no compression, 5 requests in flight) sends " +
                                $"{s.Records:N0} records of {s.RecordSize} random bytes (no key) round-robin to {s.Partitions} partitions; then one consumer " +
                                $"(all partitions assigned from the beginning, read_committed) reads them back. Both targets run inside the benchmark process, " +
                                $"on the same {machine.Processors} cores as the clients. Per target {Runs(s.WarmupRuns)} of the same size to warm up (not counted: .NET's tiered JIT needs that long to finish compiling the broker's hot paths), then " +
                                $"{Runs(s.Runs)} on fresh topics, alternating between the embedded broker and the mock; every column is the median over the {Runs(s.Runs)}. Produce throughput runs from the first Produce() " +
                                $"call to the last delivery report (MB = 10^6 bytes of record values); consume throughput from the first record read to the last (the " +
                                $"start-up before the first record — connect, metadata, offset lookup, first fetch — is listed per run below). Latency is from Produce() to the record's delivery report " +
                                $"at full load, so it includes the time a record waits in librdkafka's queue (up to 100,000 records): it tracks throughput more " +
                                $"than the round trip of a lightly loaded broker.")).AppendLine();

        md.AppendLine("| target | produce rec/s | produce MB/s | p50 | p99 | p99.9 | consume rec/s |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var t in targets)
            md.AppendLine(string.Create(Numbers, $"| {t.Target} | {t.ProduceRecordsPerSecond:N0} | {t.ProduceMegabytesPerSecond:N1} | {Ms(t.P50Ms)} | {Ms(t.P99Ms)} | {Ms(t.P999Ms)} | {t.ConsumeRecordsPerSecond:N0} |"));
        md.AppendLine();

        foreach (var (embedded, mock) in Pairs())
            md.AppendLine(string.Create(Numbers, $"Ratio embedded / mock{Variant(embedded)}: produce **{embedded.ProduceRecordsPerSecond / mock.ProduceRecordsPerSecond:N2}**, " +
                                    $"consume **{embedded.ConsumeRecordsPerSecond / mock.ConsumeRecordsPerSecond:N2}**.  "));
        md.AppendLine();
        md.AppendLine(Verdict()).AppendLine();

        md.AppendLine(string.Create(Numbers, $"The mock cluster keeps at most 5 MiB per partition and silently drops its oldest batches past that, so the record count is " +
                                $"chosen to fit: {s.Records:N0} × {s.RecordSize} bytes over {s.Partitions} partitions is about " +
                                $"{(double)s.Records / s.Partitions * (s.RecordSize + BrokerBenchSettings.RecordOverheadBytes) / (1024 * 1024):N1} MiB per partition " +
                                $"(the benchmark refuses more than {s.MaxRecordsForMock:N0} records with these sizes). Both targets get the same record count; " +
                                $"every run checks that all records were delivered and read back.")).AppendLine();

        md.AppendLine("Every run, in order (produce rec/s · p99 · consume rec/s · consume start-up · JIT-compiled methods · gen-2 GCs · " +
                      "CPU used by other processes, kernel threads left out" +
                      (targets.Any(t => t.Runs.Any(r => r.Produce.CommitTime > TimeSpan.Zero)) ? " · share of produce time in the commit itself (after a flush)" : "") + "):").AppendLine();
        foreach (var t in targets)
        {
            var runs = t.Runs.Select(r => Invariant($"{r.Produce.RecordsPerSecond:N0} · {Ms(r.Produce.Latency.P99Ms)} · {r.Consume.RecordsPerSecond:N0} · {r.Consume.FirstRecordAfter.TotalMilliseconds:N0} ms · {r.Runtime.JitMethods:N0} · {r.Runtime.Gen2Collections} · {(r.OtherCpuShare is { } o ? o.ToString("P0", Numbers) : "?")}") +
                                          (r.Produce.CommitTime > TimeSpan.Zero ? Invariant($" · {r.Produce.CommitTime / r.Produce.Elapsed:P0}") : ""));
            md.AppendLine($"- {t.Target}: {string.Join("; ", runs)}");
        }
        return md.ToString();
    }

    /// <summary>Whether the durable embedded broker reaches half the mock's produce and consume throughput.</summary>
    public string Verdict()
    {
        var (embedded, mock) = Pairs().First();
        var produce = embedded.ProduceRecordsPerSecond / mock.ProduceRecordsPerSecond;
        var consume = embedded.ConsumeRecordsPerSecond / mock.ConsumeRecordsPerSecond;
        var produceMet = produce >= TargetRatio;
        var consumeMet = consume >= TargetRatio;
        var outcome = (produceMet, consumeMet) switch
        {
            (true, true) => "**met**: the durable embedded broker reaches at least half the mock cluster's throughput for both produce and consume",
            (false, false) => "**not met**: the embedded broker is below half the mock cluster's throughput for both produce and consume",
            (true, false) => "**met for produce, not for consume**",
            (false, true) => "**met for consume, not for produce**",
        };
        return string.Create(Numbers, $"Target from the issue \"Embedded Kafka broker\" — at least half the mock cluster's throughput while durable on disk: {outcome} " +
                         $"(produce {produce:P0}, consume {consume:P0} of the mock; non-transactional runs).");
    }

    private IEnumerable<(TargetSummary Embedded, TargetSummary Mock)> Pairs() =>
        targets.Where(t => t.Target.StartsWith(BrokerBenchmark.EmbeddedName, StringComparison.Ordinal))
            .Select(e => (e, targets.Single(m => m.Target == BrokerBenchmark.MockName + e.Target[BrokerBenchmark.EmbeddedName.Length..])));

    private static string Variant(TargetSummary embedded) => embedded.Target[BrokerBenchmark.EmbeddedName.Length..];

    private string OtherCpu() => otherCpuShare is { } share
        ? string.Create(Numbers, $"Other processes (kernel threads left out) used {share:P0} of the machine's CPU time during the run{(share >= 0.1 ? " — enough to skew these numbers; rerun on an idle machine" : "")}.")
        : "";

    private static string Runs(int count) => count == 1 ? "1 run" : $"{count} runs";

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "N2" : "N1", Numbers) + " ms";

    private static string Invariant(FormattableString text) => text.ToString(Numbers);

    private static string ClientVersion() => typeof(Confluent.Kafka.Library).Assembly.GetName().Version?.ToString(3) ?? "unknown";
}
