using ChatStreams.Bench.Edge;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Load;

/// <summary>
/// CPU and memory of the system under test (the process trees below its roots) during a phase, next to the machine's
/// and the load generator's CPU: on a shared machine the rest is what skews a run. Memory is sampled every second; the
/// peak is reported.
/// </summary>
public sealed class SystemUsageWatch : IAsyncDisposable
{
    private readonly IReadOnlyList<int> _roots;
    private readonly CpuSample? _machineStart;
    private readonly long? _systemStart;
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _peakRss;

    public SystemUsageWatch(IReadOnlyList<int> roots)
    {
        _roots = roots;
        _machineStart = CpuSample.Take();
        var usage = ProcessTreeCpu.Usage(roots);
        _systemStart = usage?.Ticks;
        _peakRss = usage?.RssBytes ?? 0;
        _sampling = SampleAsync();
    }

    private async Task SampleAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(1000, _stop.Token);
                if (ProcessTreeCpu.Usage(_roots) is { } usage) _peakRss = Math.Max(_peakRss, usage.RssBytes);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Usage from the start until now; null where /proc does not tell.</summary>
    public async Task<SystemUsage?> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        var end = CpuSample.Take();
        var usage = ProcessTreeCpu.Usage(_roots);
        if (_machineStart is not { } a || end is not { } b || usage is not { } u || _systemStart is not { } s0) return null;
        var total = b.TotalTicks - a.TotalTicks;
        if (total <= 0) return null;
        double Cores(long ticks) => (double)ticks / total * Environment.ProcessorCount;
        return new SystemUsage(Cores(u.Ticks - s0), Cores(b.ProcessTicks - a.ProcessTicks), Cores(b.BusyTicks - a.BusyTicks),
            Math.Max(_peakRss, u.RssBytes) / 1_048_576.0, (DateTime.UtcNow - _started).TotalSeconds);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }
}

/// <summary>CPU in cores (the machine has <see cref="Environment.ProcessorCount"/>) and peak resident memory during a phase.</summary>
/// <param name="SystemCores">The system under test's processes.</param>
/// <param name="GeneratorCores">The benchmark process: clients, schedule, accounting.</param>
/// <param name="MachineCores">Everything busy on the machine (the rest is other processes and the kernel).</param>
public sealed record SystemUsage(double SystemCores, double GeneratorCores, double MachineCores, double SystemPeakRssMb, double Seconds);
