using System.Globalization;
using System.Text;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Topologies;

/// <summary>Renders the chat topologies benchmark's section of docs/benchmarks.md.</summary>
public sealed class TopologiesBenchReport(TopologiesBenchSettings settings, MachineDescription machine, string dataFileSystem, double? otherCpuShare,
    TopologiesBenchResult result)
{
    public const string Heading = "## Chat topologies";
    private static readonly CultureInfo Numbers = CultureInfo.InvariantCulture;

    public string ToMarkdown()
    {
        var s = settings;
        var md = new StringBuilder();
        md.AppendLine(Heading).AppendLine();
        md.AppendLine(string.Create(Numbers, $"Generated on {machine.Date:yyyy-MM-dd} (UTC) by `scripts/bench.sh`, i.e. `dotnet run -c Release --project src/ChatStreams.Bench -- topologies " +
                                $"--sizes {List(s.Sizes)} --messages {List(s.Messages)} --rate {List(s.Rates)} --latency-seconds {s.LatencySeconds} --partitions {s.Partitions} " +
                                $"--commit-interval-ms {s.CommitIntervalMs}`."));
        md.AppendLine(string.Create(Numbers, $"Machine: {machine.Processors} × {machine.CpuModel}, {machine.OperatingSystem}; {machine.Runtime}; the broker, the registry, both topologies, " +
                                $"the producer and the readers all in the benchmark process, sharing its {machine.Processors} cores; the broker's data and the state directories on " +
                                $"{dataFileSystem}. {OtherCpu()}")).AppendLine();

        md.AppendLine(string.Create(Numbers, $"**Set-up.** The embedded broker (durable: acks=all is answered after the fsync) and schema registry on loopback, the chat topics with " +
                                $"{s.Partitions} partitions each, and the conversation and fan-out topologies as `ChatProcessors` runs them: two `KafkaStreams` " +
                                $"applications with one stream thread each, exactly-once v2 (transactional producers, read_committed), commit interval {s.CommitIntervalMs} ms, " +
                                $"RocksDB stores. For each group size, conversations of distinct users ({Conversations()}); every member has one device, " +
                                $"connected (a Connect on chat.sessions) alternately at edge-1 and edge-2, so each message becomes one Delivery per member, the sender " +
                                $"included, on delivery.edge-1 or delivery.edge-2. The connections stay live through a session inactivity gap of " +
                                $"{TopologiesBenchmark.SessionInactivityGap.TotalHours:0} h instead of heartbeats. Commands are written as an edge writes them (idempotent " +
                                $"producer, acks=all, linger 5 ms, lz4, Avro over the registry; {s.BodyLength}-character text bodies); messages go to the conversations " +
                                $"round-robin and the members of each take turns sending. Three readers stand in for the sinks and the edges: chat.events, delivery.edge-1 " +
                                $"and delivery.edge-2, read_committed, decoding Avro. {Warmup()}")).AppendLine();

        md.AppendLine(string.Create(Numbers, $"**Throughput.** Each size's burst (after its latency run, below) is produced as fast as the producer takes it; the rate runs from the first produce call to the last " +
                                $"delivery seen, so ramp-up and drain are in it. A delivery is one Delivery record of a MessageSent event (one per member); each message " +
                                $"also moves its sender's read mark, a ReceiptUpdate written to chat.receipts and carried by the event's deliveries to the sender and to the senders it covers, " +
                                $"which is load but not counted."))
          .AppendLine();
        md.AppendLine("| members | conversations | messages | messages/s | deliveries/s | seconds |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var r in result.Sizes)
            md.AppendLine(string.Create(Numbers, $"| {r.Members} | {r.Conversations} | {r.Burst.Messages:N0} | {r.Burst.MessagesPerSecond:N0} | {r.Burst.DeliveriesPerSecond:N0} | {r.Burst.Seconds:N1} |"));
        md.AppendLine();

        md.AppendLine(string.Create(Numbers, $"**Latency.** Before its burst, each size sends at a fixed rate for {s.LatencySeconds} s, well under what the burst then sustained; every delivery is a " +
                                $"sample, timed with the benchmark process's clock: produce → ack (the call to Kafka's acknowledgement: what an edge waits for before it " +
                                $"acks the client), conversation (ack → the ChatEvent visible on chat.events: the sequencer and its transaction's commit), fan-out " +
                                $"(ChatEvent → the Delivery visible on the edge's topic: both sub-topologies, the repartition by user and their commits) and end to end " +
                                $"(the call → the Delivery). Cells are p50 / p95 / p99 in ms; a sample's stages add up to its end-to-end time, their percentiles need not. " +
                                $"The share is the topologies' (ack → Delivery) median over the end-to-end median."))
          .AppendLine();
        md.AppendLine("| members | rate msg/s (of the burst's) | deliveries timed | produce → ack | conversation | fan-out | end to end | topologies' share of the p50 |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in result.Sizes)
        {
            var l = r.Latency;
            md.AppendLine(string.Create(Numbers, $"| {r.Members} | {r.Rate:0.#} ({r.Load:P0}) | {l.Samples:N0} | {Stage(l.ProduceToAck)} | {Stage(l.Conversation)} | {Stage(l.FanOut)} | " +
                                    $"{Stage(l.EndToEnd)} | **{l.TopologiesShare:P0}** |"));
        }
        md.AppendLine();

        md.AppendLine(string.Create(Numbers, $"**Threads and CPU.** What each run kept busy, in cores (the machine has {machine.Processors}): the whole benchmark process " +
                                             $"and, within it, the readers (Avro decoding, as an edge does) and each topology's stream thread, from /proc. A stream thread's " +
                                             $"commits come from the runtime's `chatstreams.streams.commit.latency` (add the input offsets to the transaction and commit " +
                                             $"it): commits per second, then p50 / p99 of their duration in ms.")).AppendLine();
        md.AppendLine("| members | run | process | readers | conversation thread: CPU · commits | fan-out thread: CPU · commits |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|");
        foreach (var r in result.Sizes)
        foreach (var (run, a) in new[] { ("latency", r.LatencyActivity), ("burst", r.BurstActivity) })
            md.AppendLine(string.Create(Numbers, $"| {r.Members} | {run} | {Cores(a.ProcessCpu)} | {Cores(a.ReadersCpu)} | {Thread(a.Conversation)} | {Thread(a.FanOut)} |"));
        md.AppendLine();

        md.AppendLine(WhereTheTimeGoes()).AppendLine();
        md.AppendLine(Checks());
        return md.ToString();
    }

    /// <summary>The explanation under the tables, from the measured numbers (3 to 5 sentences).</summary>
    public string WhereTheTimeGoes()
    {
        var ci = settings.CommitIntervalMs;
        var sizes = result.Sizes;
        var md = new StringBuilder("**Where the time goes.** ");
        md.Append(string.Create(Numbers, $"At these rates the topologies take {Range(sizes.Select(r => r.Latency.TopologiesShare), "P0")} of the end-to-end median; the " +
                                         $"edge's own wait for Kafka's ack (linger 5 ms, then the broker's fsync) is {Range(sizes.Select(r => r.Latency.ProduceToAck.P50Ms), "N0")} ms. "));
        md.Append(string.Create(Numbers, $"Under exactly-once a record is visible to read_committed readers only once the transaction that wrote it commits, so each of " +
                                         $"the three hops (chat.commands → chat.events → the repartition topic → delivery.<edge>) waits for its thread's next commit " +
                                         $"({ci} ms apart, {ci / 2.0:0} ms on average), for the commit itself and for the next reader's fetch: the conversation hop's median " +
                                         $"is {Range(sizes.Select(r => r.Latency.Conversation.P50Ms), "N0")} ms, the fan-out's two hops' {Range(sizes.Select(r => r.Latency.FanOut.P50Ms), "N0")} ms. "));

        var slowest = sizes.MaxBy(r => r.LatencyActivity.Conversation.Commits.P50Ms)!;
        var fastest = sizes.MinBy(r => r.LatencyActivity.Conversation.Commits.P50Ms)!;
        md.Append(string.Create(Numbers, $"A commit makes the broker write a marker into every partition the transaction wrote (outputs, changelogs, the " +
                                         $"offsets) and fsync them, so it grows with the number of partitions that saw traffic: a conversation commit took {slowest.LatencyActivity.Conversation.Commits.P50Ms:N0} ms " +
                                         $"(p50) with {slowest.Rate:0.#} messages/s over {slowest.Conversations} conversations of {slowest.Members}"));
        if (fastest != slowest)
            md.Append(string.Create(Numbers, $" and {fastest.LatencyActivity.Conversation.Commits.P50Ms:N0} ms with {fastest.Rate:0.#}/s over {fastest.Conversations} of {fastest.Members}"));
        var busiest = sizes.MaxBy(r => Occupancy(r.BurstActivity.Conversation.Commits))!;
        var occupancy = Occupancy(busiest.BurstActivity.Conversation.Commits);
        if (occupancy >= 0.3)
        {
            var commits = busiest.BurstActivity.Conversation;
            md.Append(string.Create(Numbers, $", and in the burst of groups of {busiest.Members} the conversation thread committed {commits.Commits.PerSecond:N1} " +
                                             $"times a second at {commits.Commits.P50Ms:N0} ms each, about {occupancy:P0} of its time"));
            if (commits.Cpu is { } cpu) md.Append(string.Create(Numbers, $", while it was on the CPU {cpu:P0} of it"));
        }
        md.Append(". ");

        var largest = sizes.MaxBy(r => r.Members)!;
        var large = largest.BurstActivity;
        if (largest.Members > sizes.Min(r => r.Members) && large.ProcessCpu is { } process && large.FanOut.Cpu is { } fanOut && large.ReadersCpu is { } readers)
            md.Append(string.Create(Numbers, $"The bursts of large groups are bound by the machine rather than by one thread: for groups of {largest.Members} the process kept " +
                                             $"{process:N2} of the {machine.Processors} cores busy, the fan-out's stream thread {fanOut:N2} of them and the readers {readers:N2}; the rest " +
                                             $"is the broker, librdkafka's threads and the GC handling each message's {largest.Members} repartition records and {largest.Members} " +
                                             $"deliveries, each written and read once."));
        return md.ToString().TrimEnd();
    }

    /// <summary>Roughly the share of a thread's time spent in commits.</summary>
    private static double Occupancy(CommitStats commits) => commits.PerSecond * commits.P50Ms / 1000;

    private string Checks()
    {
        var duplicates = result.Sizes.Sum(r => r.Duplicates);
        return string.Create(Numbers, $"Checks: every message of every run reached each member once ({(duplicates == 0 ? "no duplicate" : $"**{duplicates:N0} duplicates**")}), " +
                         $"and no command was rejected. From start to both topologies running took {result.StartupSeconds:N1} s.");
    }

    private string Conversations() => string.Join(", ", settings.Sizes.Select(size =>
        string.Create(Numbers, $"{TopologiesBenchSettings.ConversationsFor(size)} of {size}")));

    private string Warmup() => settings.WarmupMessages > 0
        ? string.Create(Numbers, $"Before measuring, {settings.WarmupMessages:N0} messages to groups of {TopologiesBenchmark.WarmupSize} warm everything up (JIT, RocksDB, connections).")
        : "No warm-up.";

    private static string Thread(ThreadActivity t)
    {
        var cpu = t.Cpu is { } c ? c.ToString("P0", Numbers) : "?";
        var commits = t.Commits.Commits == 0 ? "no commit" : string.Create(Numbers, $"{t.Commits.PerSecond:N1}/s · {Ms(t.Commits.P50Ms)} / {Ms(t.Commits.P99Ms)}");
        return $"{cpu} · {commits}";
    }

    private static string Cores(double? cores) => cores is { } c ? c.ToString("N2", Numbers) : "?";

    private static string Stage(StageLatency s) => string.Create(Numbers, $"{Ms(s.P50Ms)} / {Ms(s.P95Ms)} / {Ms(s.P99Ms)}");

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "N1" : "N0", Numbers);

    private static string Range(IEnumerable<double> values, string format)
    {
        var list = values.ToList();
        var (low, high) = (list.Min().ToString(format, Numbers), list.Max().ToString(format, Numbers));
        return low == high ? low : $"{low}–{high}";
    }

    private static string List<T>(IEnumerable<T> values) where T : IFormattable => string.Join(",", values.Select(v => v.ToString(null, Numbers)));

    private string OtherCpu() => otherCpuShare is { } share
        ? string.Create(Numbers, $"Other processes (kernel threads left out) used {share:P0} of the machine's CPU time during the run{(share >= 0.1 ? " — enough to skew these numbers; rerun on an idle machine" : "")}.")
        : "";

}
