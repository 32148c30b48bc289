using System.Diagnostics;
using HdrHistogram;

namespace ChatStreams.Bench.Load;

/// <summary>
/// End-to-end latencies of one phase in an HdrHistogram (1 µs to 1 h, 3 significant digits), overall and per second
/// of arrival. A sample is arrival minus the send's <em>scheduled</em> time, not the time it was actually written: when
/// the generator or the system falls behind, the messages that queued up count the whole wait (no coordinated omission).
/// </summary>
public sealed class LatencyRecorder(long startTimestamp, long ticksPerSecond)
{
    private const long HighestMicros = 3_600_000_000;
    private readonly LongHistogram _total = NewHistogram();
    private readonly List<LongHistogram> _perSecond = [];
    private readonly Lock _lock = new();

    public LatencyRecorder(long startTimestamp) : this(startTimestamp, Stopwatch.Frequency) { }

    /// <summary>Records one delivery: <paramref name="scheduledAt"/> is when its send was due, <paramref name="arrivedAt"/> when it arrived.</summary>
    public void Record(long scheduledAt, long arrivedAt)
    {
        var micros = Math.Clamp((arrivedAt - scheduledAt) * 1_000_000 / ticksPerSecond, 1, HighestMicros);
        var second = (int)Math.Max(0, (arrivedAt - startTimestamp) / ticksPerSecond);
        lock (_lock)
        {
            _total.RecordValue(micros);
            while (_perSecond.Count <= second) _perSecond.Add(NewHistogram());
            _perSecond[second].RecordValue(micros);
        }
    }

    public long Count
    {
        get { lock (_lock) return _total.TotalCount; }
    }

    public LatencySummary Summary()
    {
        lock (_lock) return LatencySummary.Of(_total);
    }

    /// <summary>The 99th percentile of the samples that arrived in the last whole second before <paramref name="now"/>, if any.</summary>
    public double? RecentP99Ms(long now)
    {
        var second = (int)((now - startTimestamp) / ticksPerSecond) - 1;
        lock (_lock)
            return second >= 0 && second < _perSecond.Count && _perSecond[second].TotalCount > 0
                ? _perSecond[second].GetValueAtPercentile(99) / 1000.0
                : null;
    }

    /// <summary>One point per second of the phase: samples, p50, p99 and max of what arrived in it.</summary>
    public IReadOnlyList<LatencyPoint> OverTime()
    {
        lock (_lock)
            return _perSecond.Select((h, s) => h.TotalCount == 0
                    ? new LatencyPoint(s, 0, 0, 0, 0)
                    : new LatencyPoint(s, h.TotalCount, h.GetValueAtPercentile(50) / 1000.0, h.GetValueAtPercentile(99) / 1000.0, h.GetMaxValue() / 1000.0))
                .ToList();
    }

    private static LongHistogram NewHistogram() => new(1, HighestMicros, 3);
}

/// <summary>Percentiles of a latency distribution in milliseconds (HdrHistogram: within 0.1 % of the recorded value).</summary>
public sealed record LatencySummary(long Samples, double P50Ms, double P95Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static LatencySummary None { get; } = new(0, 0, 0, 0, 0, 0);

    public static LatencySummary Of(HistogramBase micros) => micros.TotalCount == 0
        ? None
        : new LatencySummary(micros.TotalCount, Ms(micros.GetValueAtPercentile(50)), Ms(micros.GetValueAtPercentile(95)),
            Ms(micros.GetValueAtPercentile(99)), Ms(micros.GetValueAtPercentile(99.9)), Ms(micros.GetMaxValue()));

    private static double Ms(long micros) => micros / 1000.0;
}

/// <summary>Latency of the deliveries that arrived in second <paramref name="Second"/> of a phase.</summary>
public sealed record LatencyPoint(int Second, long Samples, double P50Ms, double P99Ms, double MaxMs);
