using System.Globalization;
using System.Text;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Edge;

/// <summary>Renders the edge benchmark's section of docs/benchmarks.md.</summary>
/// <param name="commitIntervalMs">The topologies' commit interval when the benchmark started the system; null with --url (not known here).</param>
public sealed class EdgeBenchReport(EdgeBenchSettings settings, MachineDescription machine, int? commitIntervalMs, EdgeBenchResult result)
{
    public const string Heading = "## Edge and gateway";
    private static readonly CultureInfo Numbers = CultureInfo.InvariantCulture;

    /// <summary>Measured messages/s under this share of what a system that keeps up reaches means it fell behind (see <see cref="KeptUp"/>).</summary>
    private const double KeptUpShare = 0.95;

    /// <summary>A machine busier than this share of its cores during a run is what bounds it.</summary>
    private const double Saturated = 0.85;

    /// <summary>Other processes using this share of the cores skew a run (as the other sections warn).</summary>
    private const double OtherProcessesSkew = 0.1;

    public string ToMarkdown()
    {
        var s = settings;
        var md = new StringBuilder();
        md.AppendLine(Heading).AppendLine();
        md.AppendLine(string.Create(Numbers, $"Generated on {machine.Date:yyyy-MM-dd} (UTC) by `scripts/bench.sh`, i.e. `dotnet run -c Release --project src/ChatStreams.Bench -- edge {CommandLine()}`."));
        if (s.Quick) md.AppendLine("**Smoke test (`--quick`): sizes too small to mean anything; run without `--quick` for the numbers.**");
        md.AppendLine(string.Create(Numbers, $"Machine: {machine.Processors} × {machine.CpuModel}, {machine.OperatingSystem}; {machine.Runtime}. {SystemUnderTest()}")).AppendLine();

        md.AppendLine(string.Create(Numbers, $"**Clients.** Real WebSocket clients in the benchmark process, one socket per user, each opened through the gateway (`GET /ws`, bearer " +
                                $"token) and placed by it on an edge (least open requests, so consecutive sockets alternate between the edges); each sends an empty " +
                                $"`resume` first, as the protocol asks. Users are registered and conversations created over the gateway's REST API, and a run starts " +
                                $"once every member's socket has its conversation's first frame. Each sender sends {s.Messages:N0} messages at {s.Rate:0.##}/s on a fixed " +
                                $"schedule (below the edge's limit of {EdgeBenchSettings.ConnectionRateLimit} frames/s per connection; the senders' slots are staggered " +
                                $"over each interval), each with its own id and its send timestamp in a {EdgeBenchSettings.BodyLength}-character body; a frame is timed " +
                                $"when its last byte is read. **Send → ack**: the edge has the message durable in Kafka. **Send → message**: the `message` frame " +
                                $"at a receiving device, through the sequencer, the fan-out and back out of an edge (end to end). Before measuring, " +
                                $"{EdgeBenchSettings.WarmupPairs} pairs exchange {EdgeBenchSettings.WarmupMessages} messages each (not reported)."))
          .AppendLine();
        md.AppendLine(string.Create(Numbers, $"- **direct**: {s.Pairs:N0} direct conversations; in each, one member sends and the other receives (on the other edge, as the " +
                                $"sockets alternate); deliveries and latencies are counted at the receivers."));
        md.AppendLine(string.Create(Numbers, $"- **group**: one group of {s.GroupSize:N0}; {s.GroupSenders:N0} of its members send; every member receives every message, senders " +
                                $"included (their own copy is their \"sent\"), so deliveries are members × messages and every member's frames are latency samples."))
          .AppendLine();

        md.AppendLine("| scenario | sockets (per edge) | senders × messages | messages/s | deliveries | deliveries/s | seconds | CPU in cores: machine · system · clients · others |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Scenarios)
            md.AppendLine(string.Create(Numbers, $"| {r.Name} | {r.Connections:N0} ({string.Join(" · ", r.ConnectionsPerEdge.Values)}) | {r.Senders:N0} × {s.Messages:N0} | " +
                                    $"{r.MessagesPerSecond:N0} | {r.DeliveriesCounted:N0} | {r.DeliveriesPerSecond:N0} | {r.Seconds:N1} | {Cpu(r.Cpu)} |"));
        md.AppendLine();
        md.AppendLine(string.Create(Numbers, $"Messages/s and deliveries/s run from the first send's slot to the last `message` frame received, so the last message's " +
                                             $"latency is in them. CPU is what was busy while the run's messages flowed, in cores of the {machine.Processors}, from /proc: " +
                                             $"the whole machine, the system under test (`chatstreams up` and its child processes), the benchmark's clients, and other " +
                                             $"processes (kernel threads left out){(result.StartedSystem ? "" : "; with --url the system's share is not known")}."))
          .AppendLine();

        md.AppendLine("| scenario | latency | samples | p50 ms | p95 ms | p99 ms | max ms |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var r in Scenarios)
        foreach (var (what, l) in new[] { ("send → ack", r.SendToAck), ("send → message", r.SendToMessage) })
            md.AppendLine(string.Create(Numbers, $"| {r.Name} | {what} | {l.Samples:N0} | {Ms(l.P50Ms)} | {Ms(l.P95Ms)} | {Ms(l.P99Ms)} | {Ms(l.MaxMs)} |"));
        md.AppendLine();

        md.AppendLine(Checks()).AppendLine();
        md.AppendLine(WhatBoundsTheNumbers());
        return md.ToString();
    }

    private IEnumerable<ScenarioResult> Scenarios => [result.Direct, result.Group];

    private string CommandLine()
    {
        var s = settings;
        var line = string.Create(Numbers, $"--pairs {s.Pairs} --messages {s.Messages} --rate {s.Rate:0.##} --group-size {s.GroupSize} --group-senders {s.GroupSenders}");
        if (s.Url is not null) line = $"--url {s.Url} " + line;
        return s.Quick ? "--quick " + line : line;
    }

    private string SystemUnderTest()
    {
        var r = result;
        var registered = r.RegistrationsPerSecond > 0 ? string.Create(Numbers, $" Users were registered at {r.RegistrationsPerSecond:N1}/s, a few at a time (Argon2id at the edges; not measured further).") : "";
        if (!r.StartedSystem)
            return string.Create(Numbers, $"System under test: an already running system behind the gateway at {r.GatewayUrl}, with {r.Edges} edges; the benchmark's clients on this " +
                             $"machine. It took {r.StartupSeconds:N1} s until the gateway reported every edge healthy and a conversation was created end to end.{registered}");
        return string.Create(Numbers, $"System under test: `chatstreams up`, started by the benchmark on free loopback ports with a throw-away data directory — the embedded Kafka " +
                         $"broker (durable: a produce is acknowledged after the fsync) and schema registry in the host process, the conversation and fan-out " +
                         $"topologies (exactly-once, commit interval {CommitInterval()}), {r.Edges} edges and the YARP gateway as its child processes — all on this " +
                         $"machine with the benchmark's clients, sharing its {machine.Processors} cores. From starting it to every edge healthy and a first " +
                         $"conversation created end to end took {r.StartupSeconds:N1} s.{registered}");
    }

    private string CommitInterval() => commitIntervalMs is { } ms ? string.Create(Numbers, $"{ms} ms") : "as configured there (100 ms by default)";

    public string Checks()
    {
        var direct = result.Direct;
        var group = result.Group;
        var devices = direct.Connections + group.Connections;
        var check = direct.Check + group.Check;
        var sent = direct.MessagesSent + group.MessagesSent;
        var acked = direct.MessagesAcked + group.MessagesAcked;
        var errors = Scenarios.SelectMany(r => r.Errors).ToList();
        if (result.Passed)
            return string.Create(Numbers, $"Checks: every one of the {devices:N0} devices received seq 2 … N + 1 of its conversation (N its messages) exactly once and in order " +
                             $"(0 lost, 0 duplicates, 0 out of order), all {sent:N0} sends were acked, and no error frame came.");
        var md = new StringBuilder(string.Create(Numbers, $"Checks **failed**: over {devices:N0} devices, **{check.Lost:N0} lost, {check.Duplicates:N0} duplicates, " +
                                             $"{check.OutOfOrder:N0} out of order**"));
        if (check.Unexpected > 0) md.Append(string.Create(Numbers, $", {check.Unexpected:N0} frames with a seq the benchmark did not send"));
        md.Append(string.Create(Numbers, $"; {acked:N0} of {sent:N0} sends acked; {errors.Count:N0} errors"));
        if (errors.Count > 0) md.Append(": ").Append(string.Join("; ", errors.Take(3).Select(e => $"`{e}`"))).Append(errors.Count > 3 ? " …" : "");
        return md.Append('.').ToString();
    }

    /// <summary>What limited the run, from the measured numbers.</summary>
    public string WhatBoundsTheNumbers()
    {
        var md = new StringBuilder("**What bounds the numbers.** ");
        foreach (var r in Scenarios)
        {
            var offered = r.Senders * settings.Rate;
            md.Append(KeptUp(r)
                ? string.Create(Numbers, $"The {r.Name} throughput is the offered load — {r.Senders} connections × {settings.Rate:0.##}/s = {offered:N0} messages/s, " +
                                         $"less the last messages' latency at the end of the run — which the system kept up with; it is not a capacity. ")
                : string.Create(Numbers, $"In the {r.Name} run the system fell behind the offered {offered:N0} messages/s ({r.MessagesPerSecond:N0} measured). "));
        }
        md.Append("The bursts in \"Chat topologies\" show what the pipeline behind the edges sustains. ");

        var ack = Range(Scenarios.Select(r => r.SendToAck.P50Ms));
        var endToEnd = Range(Scenarios.Select(r => r.SendToMessage.P50Ms));
        var afterAck = Range(Scenarios.Select(r => r.SendToMessage.P50Ms - r.SendToAck.P50Ms));
        var interval = commitIntervalMs is { } ms ? string.Create(Numbers, $"{ms} ms") : "the commit interval";
        md.Append(string.Create(Numbers, $"Send → ack (median {ack} ms) is the gateway hop, the edge and its produce to the durable broker. Of the end-to-end median ({endToEnd} ms), " +
                            $"the {afterAck} ms after the ack are mostly the topologies' three exactly-once hops (chat.commands → chat.events → the repartition " +
                            $"by user → delivery.<edge>), each waiting for its stream thread's next commit, {interval} apart, before read_committed readers " +
                            $"see the record; the edge's read of its delivery topic and the frame out through the gateway add the rest."));
        if (Scenarios.All(r => r.Cpu?.SystemCores is not null))
            md.Append(string.Create(Numbers, $" The system under test itself kept {string.Join(" and ", Scenarios.Select(r => $"{r.Cpu!.SystemCores:N2} cores busy in the {r.Name} run ({r.DeliveriesPerSecond:N0} deliveries/s)"))}."));
        var busy = Scenarios.Where(r => r.Cpu is { } c && c.MachineCores >= Saturated * machine.Processors).ToList();
        if (busy.Count > 0)
        {
            var names = string.Join(" and ", busy.Select(r => string.Create(Numbers, $"{r.Name} ({r.Cpu!.MachineCores:N2} busy)")));
            md.Append(string.Create(Numbers, $" The machine was near all its {machine.Processors} cores during the {names} run{(busy.Count > 1 ? "s" : "")}, so waiting for a CPU adds to the latencies there."));
        }
        var crowded = Scenarios.Where(r => r.Cpu?.OtherCores is { } o && o >= OtherProcessesSkew * machine.Processors).ToList();
        if (crowded.Count > 0)
            md.Append(string.Create(Numbers, $" Other processes used {string.Join(" and ", crowded.Select(r => $"{r.Cpu!.OtherCores:N2} cores during the {r.Name} run"))} — " +
                                             $"enough to skew these numbers; rerun on an idle machine."));
        return md.ToString();
    }

    /// <summary>
    /// Whether the system took the offered load: its messages/s reach (within 5 %) what they would be if every message
    /// arrived after the run's p99 latency — sending on schedule, then one last latency. A system that falls behind
    /// builds a backlog that ends the run later than that.
    /// </summary>
    public bool KeptUp(ScenarioResult r)
    {
        var offered = r.Senders * settings.Rate;
        var sending = (settings.Messages - 1) / settings.Rate + (r.Senders - 1) / (r.Senders * settings.Rate);
        var ideal = offered * sending / (sending + r.SendToMessage.P99Ms / 1000);
        return r.MessagesPerSecond >= KeptUpShare * ideal;
    }

    private static string Cpu(ScenarioCpu? cpu) => cpu is null
        ? "?"
        : string.Create(Numbers, $"{cpu.MachineCores:N2} · {Cores(cpu.SystemCores)} · {cpu.ClientCores:N2} · {Cores(cpu.OtherCores)}");

    private static string Cores(double? cores) => cores is { } c ? c.ToString("N2", Numbers) : "?";

    private static string Ms(double ms) => ms.ToString(ms < 10 ? "N1" : "N0", Numbers);

    private static string Range(IEnumerable<double> values)
    {
        var list = values.ToList();
        var (low, high) = (Ms(list.Min()), Ms(list.Max()));
        return low == high ? low : $"{low}–{high}";
    }
}
