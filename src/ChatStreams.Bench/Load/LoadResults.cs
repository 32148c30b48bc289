using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Load;

/// <summary>One stretch of traffic at one offered rate (a scenario has one; a rising run one per step).</summary>
/// <param name="OfferedRate">Messages/s the schedule sent.</param>
/// <param name="Seconds">From the first scheduled send to the last delivery (or the end of waiting for it).</param>
/// <param name="Sent">Sends the schedule made.</param>
/// <param name="Accepted">Sends the system confirmed (ChatStreams: acked, durable; SignalR: the hub method returned).</param>
/// <param name="Errors">Refusals, failed sends, dropped connections the system caused.</param>
/// <param name="Latency">Scheduled send → arrival at each member, first arrivals only.</param>
/// <param name="Usage">CPU and memory while it ran; null where /proc does not tell.</param>
public sealed record LoadPhaseResult(double OfferedRate, double Seconds, long Sent, long Accepted, DeliveryTally Deliveries, int Errors,
    IReadOnlyList<string> ErrorSamples, LatencySummary Latency, IReadOnlyList<LatencyPoint> OverTime, SystemUsage? Usage)
{
    public double AcceptedPerSecond => Seconds > 0 ? Math.Min(Accepted, Sent) / Seconds : 0;

    public double DeliveriesPerSecond => Seconds > 0 ? Deliveries.Delivered / Seconds : 0;

    /// <summary>Everything delivered once, in order, nothing refused.</summary>
    public bool Clean => Deliveries.Clean && Errors == 0 && Accepted >= Sent;

    /// <summary>A rising-rate step holds when it is clean and its p99 stays under <paramref name="p99LimitMs"/>.</summary>
    public bool Holds(double p99LimitMs) => Clean && Latency.P99Ms < p99LimitMs;
}

/// <param name="HighestRate">Rising run: the highest rate that held (null when none did or not a rising run).</param>
public sealed record LoadScenarioResult(LoadScenario Scenario, IReadOnlyList<LoadPhaseResult> Phases, double? HighestRate)
{
    /// <summary>The phase a table row shows: the only one, or the rising run's highest holding step (else its first).</summary>
    public LoadPhaseResult Headline => HighestRate is { } rate ? Phases.First(p => p.OfferedRate == rate) : Phases[0];
}

public sealed record LoadSystemResult(string System, string Description, double StartupSeconds, int Clients, double RegistrationsPerSecond,
    double ConnectSeconds, IReadOnlyList<LoadScenarioResult> Scenarios);

/// <param name="LoadAverageBefore">/proc/loadavg (1, 5, 15 min) when the run started: other work on the machine skews the numbers.</param>
public sealed record LoadBenchResult(DateTime StartedUtc, MachineDescription Machine, string LoadAverageBefore, string LoadAverageAfter,
    double P99LimitMs, bool Quick, IReadOnlyList<LoadSystemResult> Systems)
{
    /// <summary>The machine's speed before the systems started and after the last stopped (null: not measured).</summary>
    public CpuSpeedProbes? CpuSpeed { get; init; }
}

public sealed record CpuSpeedProbes(Reporting.CpuSpeedProbe Before, Reporting.CpuSpeedProbe After);
