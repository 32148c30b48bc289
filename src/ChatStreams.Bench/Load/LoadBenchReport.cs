using System.Globalization;
using System.Text;
using ChatStreams.Bench.Edge;

namespace ChatStreams.Bench.Load;

/// <summary>Renders `bench load`'s section of docs/benchmarks.md: both systems per scenario, their ratio, the rising-rate steps and what each guarantees.</summary>
public sealed class LoadBenchReport(LoadBenchSettings settings, LoadBenchResult result, string? plotLink, string? jsonLink)
{
    public const string Heading = "## Load: ChatStreams and a SignalR + Redis baseline";
    private static readonly CultureInfo Numbers = CultureInfo.InvariantCulture;

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        var machine = result.Machine;
        md.AppendLine(Heading).AppendLine();
        md.AppendLine(F($"Generated on {machine.Date:yyyy-MM-dd} (UTC) by `scripts/bench.sh`, i.e. `dotnet run -c Release --project src/ChatStreams.Bench -- load {CommandLine()}`."));
        if (result.Quick) md.AppendLine("**Smoke test (`--quick`): sizes too small to mean anything; run without `--quick` for the numbers.**");
        md.AppendLine(F($"Machine: {machine.Processors} × {machine.CpuModel}, {machine.OperatingSystem}; {machine.Runtime}. Load average (1, 5, 15 min) before the run " +
                        $"{result.LoadAverageBefore}, after it {result.LoadAverageAfter}: anything well above the system's own share means other work shared the cores and the numbers are noisy." +
                        SpeedText()))
          .AppendLine();

        md.AppendLine("**Systems**, each started by the benchmark on free loopback ports, on the same machine as the load generator, one after the other:");
        foreach (var system in result.Systems)
            md.AppendLine(F($"- **{system.System}**: {system.Description} Started and ready in {system.StartupSeconds:N1} s; {system.Clients:N0} users registered at " +
                            $"{system.RegistrationsPerSecond:N1}/s (4 at a time), their {system.Clients:N0} connections opened in {system.ConnectSeconds:N1} s."));
        md.AppendLine();
        md.AppendLine(F($"**Generator.** One connection per user, all opened once and shared by the scenarios; each scenario creates new conversations among the " +
                        $"first clients (each client in one conversation), waits until every member receives them, then its senders send on a fixed schedule " +
                        $"(open loop: the slots are fixed in advance and staggered, a late send does not move the next one). Every message body carries the time its send " +
                        $"was *due* and its id names sender and number; a delivery's latency is its arrival at a member minus that due time, recorded in an HdrHistogram " +
                        $"(1 µs – 1 h, 3 significant digits), so a send that waited behind a slow system or a blocked connection counts its wait (no coordinated " +
                        $"omission). Every member counts, the sender's own connection included. After the last send the generator waits for every delivery until nothing " +
                        $"new arrives for 30 s (at most 60 s); what is missing then is **lost**; a second arrival of one message at one client is a **duplicate**, an arrival before an " +
                        $"earlier message of the same sender **out of order**. **Confirmed** is ChatStreams' `ack` (durable in Kafka) or the SignalR hub method returning; " +
                        $"**errors** are refusals, failed sends and connections the server closed. CPU (cores of {machine.Processors}) and peak resident memory are the " +
                        $"system's process trees', from /proc. {WarmUpText}"))
          .AppendLine();

        md.AppendLine("| scenario | system | messages/s offered · confirmed | deliveries/s | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms | lost · dup · out of order · errors | system CPU · peak RSS | generator CPU · machine |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var scenario in settings.Scenarios)
        {
            var rows = result.Systems.Select(s => (s.System, Result: s.Scenarios.FirstOrDefault(r => r.Scenario.Name == scenario.Name))).Where(r => r.Result is not null).ToList();
            foreach (var (system, r) in rows)
            {
                var p = r!.Headline;
                var label = scenario.Rising ? $"{scenario.Name}: highest holding step" : scenario.Name;
                md.AppendLine(F($"| {label} | {system} | {p.OfferedRate:N0} · {p.AcceptedPerSecond:N0} | {p.DeliveriesPerSecond:N0} | {p.Latency.P50Ms:N1} | {p.Latency.P95Ms:N1} | " +
                                $"{p.Latency.P99Ms:N1} | {p.Latency.P999Ms:N1} | {p.Latency.MaxMs:N0} | {p.Deliveries.Lost:N0} · {p.Deliveries.Duplicates:N0} · " +
                                $"{p.Deliveries.OutOfOrder:N0} · {p.Errors:N0} | {Usage(p.Usage)} | {Generator(p.Usage)} |"));
            }
            if (rows.Count == 2 && rows[0].Result!.Headline is var a && rows[1].Result!.Headline is var b)
                md.AppendLine(F($"| {scenario.Name} | ratio {rows[0].System} / {rows[1].System} | {Ratio(a.AcceptedPerSecond, b.AcceptedPerSecond)} | {Ratio(a.DeliveriesPerSecond, b.DeliveriesPerSecond)} | " +
                                $"{Ratio(a.Latency.P50Ms, b.Latency.P50Ms)} | {Ratio(a.Latency.P95Ms, b.Latency.P95Ms)} | {Ratio(a.Latency.P99Ms, b.Latency.P99Ms)} | " +
                                $"{Ratio(a.Latency.P999Ms, b.Latency.P999Ms)} | {Ratio(a.Latency.MaxMs, b.Latency.MaxMs)} | | {Ratio(a.Usage?.SystemCores, b.Usage?.SystemCores)} · " +
                                $"{Ratio(a.Usage?.SystemPeakRssMb, b.Usage?.SystemPeakRssMb)} | |"));
        }
        md.AppendLine();
        md.AppendLine("Scenarios:");
        foreach (var s in settings.Scenarios) md.AppendLine(ScenarioLine(s));
        md.AppendLine();

        foreach (var scenario in settings.Scenarios.Where(s => s.Rising))
        {
            md.AppendLine(F($"**Rising rate ({scenario.Name})**, every step (✓ holds p99 < {result.P99LimitMs:0} ms with nothing lost, duplicated or refused):")).AppendLine();
            md.AppendLine("| system | offered messages/s | confirmed/s | deliveries/s | p50 ms | p99 ms | max ms | lost · dup · errors | system CPU | holds |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|:-:|");
            foreach (var system in result.Systems)
            foreach (var p in system.Scenarios.Where(r => r.Scenario.Name == scenario.Name).SelectMany(r => r.Phases))
                md.AppendLine(F($"| {system.System} | {p.OfferedRate:N0} | {p.AcceptedPerSecond:N0} | {p.DeliveriesPerSecond:N0} | {p.Latency.P50Ms:N1} | {p.Latency.P99Ms:N1} | {p.Latency.MaxMs:N0} | " +
                                $"{p.Deliveries.Lost:N0} · {p.Deliveries.Duplicates:N0} · {p.Errors:N0} | {Cores(p.Usage)} | {(p.Holds(result.P99LimitMs) ? "✓" : "✗")} |"));
            md.AppendLine();
            foreach (var system in result.Systems)
                if (system.Scenarios.FirstOrDefault(r => r.Scenario.Name == scenario.Name) is { } r)
                    md.AppendLine(F($"- {system.System}: highest rate holding p99 < {result.P99LimitMs:0} ms: **{(r.HighestRate is { } rate ? $"{rate:N0} messages/s ({rate * scenario.Size:N0} deliveries/s)" : "none of the steps")}**."));
            md.AppendLine();
        }

        if (plotLink is not null) md.AppendLine($"![Latency over time, p50 and p99 per second of arrival, both systems]({plotLink})").AppendLine();
        if (jsonLink is not null) md.AppendLine($"Every phase's figures, per-second latencies included: [{Path.GetFileName(jsonLink)}]({jsonLink}).").AppendLine();

        var errors = result.Systems.SelectMany(s => s.Scenarios.SelectMany(r => r.Phases.SelectMany(p => p.ErrorSamples.Select(e => $"{s.System} {r.Scenario.Name}: {e}")))).Take(8).ToList();
        if (errors.Count > 0)
        {
            md.AppendLine("First errors seen:").AppendLine();
            foreach (var e in errors) md.AppendLine($"- {e.Replace("|", "\\|")}");
            md.AppendLine();
        }

        md.AppendLine("**What each guarantees.** ChatStreams sequences every conversation (one seq per message, decided once), stores it before delivering it, " +
                      "deduplicates a resent `send` by its id, and after a reconnect `resume` fills the gap from history, so a device sees every message once and in " +
                      "order; its numbers above include that work (exactly-once stream processing, a durable broker with an fsync before every ack). The SignalR + " +
                      "Redis baseline does none of it: a message goes to the connections in the group at that moment, at most once (Redis pub/sub keeps nothing), with " +
                      "no order across instances or reconnects, no history and no resume — a client that is away misses what was sent meanwhile, which the reconnect " +
                      "storm shows as **lost**; a send whose connection dropped fails and is not retried (a retry could deliver twice: there is no dedup). Its " +
                      "users and memberships live in Redis, its passwords are hashed with ASP.NET Core Identity's PBKDF2 and its tokens are HMAC-signed.");
        return md.ToString();
    }

    private string ScenarioLine(LoadScenario s)
    {
        var head = F($"- **{s.Name}** — {s.Title}: {s.Conversations:N0} conversation(s) of {s.Size:N0} ({s.Clients:N0} clients), {s.SendersPerConversation} sender(s) in each, ");
        if (s.Rising)
            return head + F($"steps of {s.Seconds:0.#} s starting at {s.Rate:N0} messages/s, doubled until a step fails to hold (p99 < {result.P99LimitMs:0} ms, nothing lost, ") +
                   F($"duplicated or refused) or {s.RisingTo:N0} holds, then bisected up to {settings.Refinements} times; the row shows the highest step that held (or the first).");
        var line = head + F($"{s.Rate:N0} messages/s ({s.DeliveriesPerSecond:N0} deliveries/s due) for {s.Seconds:0.#} s");
        return s.DropFraction > 0
            ? line + F($"; halfway through, {s.DropFraction * 100:0} % of the clients drop at once and all of them reconnect at once (ChatStreams: with a `resume` ") +
              "holding the last seq per conversation; SignalR: joining their groups again)."
            : line + ".";
    }

    /// <summary>The CPU speed probe's sort times: runs compare only at similar times (the machine's speed varies by day).</summary>
    private string SpeedText() => result.CpuSpeed is { } speed
        ? F($" CPU speed probe (one core sorting 65,536 ints; lower is faster): {speed.Before} before the run, {speed.After} after it.")
        : "";

    private string WarmUpText => settings.WarmUp is { } w
        ? F($"Before the scenarios, a warm-up of {w.Conversations} groups of {w.Size} at {w.Rate:N0} messages/s for {w.Seconds:0.#} s (not reported).")
        : "No warm-up before the scenarios (`--warm-up-seconds 0`).";

    private string CommandLine()
    {
        var parts = new List<string>();
        if (!settings.Systems.SequenceEqual(LoadBenchSettings.AllSystems)) parts.Add("--systems " + string.Join(",", settings.Systems));
        if (!settings.ScenarioNames.SequenceEqual(LoadBenchSettings.FullScenarios.Select(s => s.Name))) parts.Add("--scenarios " + string.Join(",", settings.ScenarioNames));
        if (settings.Seconds is { } seconds) parts.Add(F($"--seconds {seconds:0.#}"));
        if (settings.Rate is { } rate) parts.Add(F($"--rate {rate:0.#}"));
        if (settings.WarmUpSeconds is { } warmUp) parts.Add(F($"--warm-up-seconds {warmUp:0.#}"));
        if (settings.Quick) parts.Add("--quick");
        parts.Add("--output " + settings.Output);
        return string.Join(' ', parts);
    }

    private static string Cores(SystemUsage? u) => u is null ? "n/a" : F($"{u.SystemCores:N2}");

    private static string Usage(SystemUsage? u) => u is null ? "n/a" : F($"{u.SystemCores:N2} · {u.SystemPeakRssMb:N0} MB");

    private static string Generator(SystemUsage? u) => u is null ? "n/a" : F($"{u.GeneratorCores:N2} · {u.MachineCores:N2}");

    private static string Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? F($"{x / y:0.00}×") : "n/a";

    private static string F(FormattableString text) => text.ToString(Numbers);

    /// <summary>Concatenated interpolations arrive as strings; the build runs with invariant globalization, so they are invariant too.</summary>
    private static string F(string text) => text;
}
