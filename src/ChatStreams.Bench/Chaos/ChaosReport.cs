using System.Globalization;
using System.Text;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Chaos;

/// <summary>The "Fault campaign" section of docs/reliability.md: the faults, the load and what the checks found.</summary>
public sealed class ChaosReport(ChaosVerdict verdict, MachineDescription machine, string commandLine)
{
    public const string Heading = "## Fault campaign";

    public string ToMarkdown()
    {
        var v = verdict;
        var s = v.Settings;
        var b = new StringBuilder();
        b.AppendLine(Heading).AppendLine();
        b.AppendLine(Invariant($"Generated on {DateTime.UtcNow:yyyy-MM-dd} (UTC) by `{commandLine}`."));
        b.AppendLine(Invariant($"Machine: {machine.Processors} × {machine.CpuModel}, {machine.OperatingSystem}; {machine.Runtime}. Everything on loopback: the embedded broker run on its own (`chatstreams broker`, request faults injected: {s.BrokerDropBeforeRate:P1} of requests dropped before, {s.BrokerDropAfterRate:P1} after being carried out, {s.BrokerDelayRate:P1} delayed 200 ms), `chatstreams up --kafka` on it (topologies, history/search/analytics sinks, notifications, 2 edges, gateway; killed children restarted by its supervisor after 0.5–2 s), a second `topology all` instance the campaign starts and stops, and the clients."));
        b.AppendLine();
        b.AppendLine(Invariant($"**Load.** {v.Devices} WebSocket clients (one device per user) through the gateway in {s.Directs} direct chats and {s.Groups} groups of {s.GroupSize}, sending {s.Rate:0.#} messages/s in all on a fixed schedule (open loop) for {s.WarmupSeconds + s.DurationSeconds} s, a fault every {s.FaultEverySeconds:0.#} s after {s.WarmupSeconds} s. Clients behave as the protocol asks: on a lost socket they reconnect with jittered backoff, `resume` from the last seq they hold and resend unacked sends with the same id; sends without an ack for 3 s are resent. Then the load stops, the campaign waits until every send is acked and every device holds every message ({v.Drain.TotalSeconds:0.0} s), and checks."));
        b.AppendLine();
        b.AppendLine("| fault | injected | time to recover: median / worst ms |");
        b.AppendLine("|---|---:|---:|");
        foreach (var r in v.Recoveries)
            b.AppendLine(Invariant($"| {FaultKinds.Label(r.Kind)} | {r.Injected} | {Ms(r.MedianMs)} / {Ms(r.WorstMs)}{(r.NotRecovered > 0 ? $" ({r.NotRecovered} not recovered)" : "")} |"));
        b.AppendLine(Invariant($"| broker request faults (drop before / after, delay) | {v.BrokerRequestFaults:N0} | — |"));
        b.AppendLine();
        b.AppendLine("| messages sent | acked | deliveries expected | delivered | lost | duplicated | out of order | p50 / p99 ms outside faults | p99 / max ms during faults | reconnects | resends |");
        b.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        b.AppendLine(Invariant($"| {v.Sent:N0} | {v.Acked:N0} | {v.DeliveriesExpected:N0} | {v.Delivered:N0} | {v.Lost} | {v.Duplicated} | {v.Streams.OutOfOrder} | {v.Steady.P50Ms:0} / {v.Steady.P99Ms:0} | {v.DuringFaults.P99Ms:0} / {v.DuringFaults.MaxMs:0} | {v.Reconnects:N0} | {v.Resends:N0} |"));
        b.AppendLine();
        b.AppendLine(Invariant($"Sinks after the run: history {(v.HistoryMismatches == 0 ? "held every message of every conversation once, in seq order, with its client id" : $"wrong in {v.HistoryMismatches} conversations")}; search {(v.SearchMismatches == 0 ? "had one hit per message in every conversation" : $"wrong in {v.SearchMismatches} conversations")}; analytics {(v.AnalyticsMismatches == 0 ? "had one `messages` row per message" : $"wrong in {v.AnalyticsMismatches} conversations")}."));
        b.AppendLine(Invariant($"Frames the clients got besides messages and acks: {(v.ErrorCodes.Count == 0 ? "none" : string.Join(", ", v.ErrorCodes.OrderBy(e => e.Key).Select(e => $"{e.Key} × {e.Value}")))}."));
        b.AppendLine();
        b.AppendLine("**How it is measured.** Latency: a send's due time (open loop) → the `message` frame at each recipient device (the sender's own copy is not counted). \"During faults\": messages due from a fault until it recovered, at least 5 s. Time to recover: for a sink, from the kill until the first message sent after it is readable in that sink's store (a history page, a search hit, an analytics row); for the rest, from the fault until the last message due after it (and before the next fault) that took over 1 s to reach all its recipients had arrived — 0 when none took that long. Lost, duplicated and out of order are counted per device and conversation on the frames it received (seq 2…N+1, N the messages sent to the conversation); duplicated also counts a message sequenced twice.");
        b.AppendLine();
        b.AppendLine(v.Passed ? "**Result: passed** — nothing lost, nothing twice, nothing out of order, and every store complete." : "**Result: FAILED** — " + string.Join("; ", v.Problems) + ".");
        return b.ToString();
    }

    private static string Ms(double? ms) => ms is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "—";
    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
