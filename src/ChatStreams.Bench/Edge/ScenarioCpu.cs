using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Edge;

/// <summary>
/// CPU in use during a scenario, in cores: the whole machine, the system under test (`chatstreams up` and its child
/// processes, when the benchmark started it), the benchmark's own clients, and everything else — on a shared machine
/// that last part is what skews a run.
/// </summary>
/// <param name="SystemCores">Null with --url: the system's processes are not known.</param>
/// <param name="OtherCores">Busy time of other processes (kernel threads left out: they do the broker's fsyncs); null when the system's share is unknown.</param>
public sealed record ScenarioCpu(double MachineCores, double ClientCores, double? SystemCores, double? OtherCores)
{
    /// <summary>Between two samples of a machine with <paramref name="processors"/> cores; null when either machine sample is missing.</summary>
    public static ScenarioCpu? Between(CpuSnapshot start, CpuSnapshot end, int processors)
    {
        if (start.Machine is not { } a || end.Machine is not { } b) return null;
        var total = b.TotalTicks - a.TotalTicks;
        if (total <= 0) return null;
        double Cores(long ticks) => (double)ticks / total * processors;
        var machine = Cores(b.BusyTicks - a.BusyTicks);
        var clients = Cores(b.ProcessTicks - a.ProcessTicks);
        if (start.SystemTicks is not { } s0 || end.SystemTicks is not { } s1) return new ScenarioCpu(machine, clients, null, null);
        var system = Cores(s1 - s0);
        var kernel = Cores(b.KernelThreadTicks - a.KernelThreadTicks);
        return new ScenarioCpu(machine, clients, system, Math.Max(0, machine - clients - system - kernel));
    }
}

/// <summary>The machine's CPU counters and the system under test's ticks (null when not known) at one moment.</summary>
public sealed record CpuSnapshot(CpuSample? Machine, long? SystemTicks)
{
    public static CpuSnapshot Take(int? systemPid) => new(CpuSample.Take(), systemPid is { } pid ? ProcessTreeCpu.Ticks(pid) : null);
}
