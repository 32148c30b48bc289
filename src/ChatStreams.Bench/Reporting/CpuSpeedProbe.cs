using System.Diagnostics;

namespace ChatStreams.Bench.Reporting;

/// <summary>
/// A fixed single-thread task, timed before and after a run. The speed of a virtual machine varies with its neighbours:
/// the same code took about a third more CPU per message at 21:40 UTC on 2026-12-06 than two hours before
/// (docs/benchmarks.md), so load figures of different runs compare only at similar probe times. Sorting a copy of 65,536
/// pseudo-random ints exercises a core and its caches as the services' hot paths do.
/// </summary>
/// <param name="BestMicroseconds">The fastest sort: the machine's speed when least disturbed.</param>
/// <param name="MedianMicroseconds">The median sort: how much other work slowed it.</param>
public sealed record CpuSpeedProbe(double BestMicroseconds, double MedianMicroseconds)
{
    private const int Length = 65_536;

    /// <summary>Sorts for about <paramref name="duration"/> (default a quarter second).</summary>
    public static CpuSpeedProbe Measure(TimeSpan? duration = null)
    {
        var source = new int[Length];
        var random = new Random(20261206);
        for (var i = 0; i < source.Length; i++) source[i] = random.Next();
        var work = new int[Length];
        var times = new List<double>();
        var until = Stopwatch.GetTimestamp() + (long)((duration ?? TimeSpan.FromMilliseconds(250)).TotalSeconds * Stopwatch.Frequency);
        do
        {
            source.CopyTo(work, 0);
            var started = Stopwatch.GetTimestamp();
            Array.Sort(work);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }
        while (Stopwatch.GetTimestamp() < until || times.Count < 3);
        times.Sort();
        return new CpuSpeedProbe(times[0], times[times.Count / 2]);
    }

    public override string ToString() => $"{BestMicroseconds:N0} µs best, {MedianMicroseconds:N0} µs median";
}
