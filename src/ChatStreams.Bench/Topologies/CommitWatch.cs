using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ChatStreams.Streams.Metrics;

namespace ChatStreams.Bench.Topologies;

/// <summary>
/// Listens to the streams runtime's own commit-latency metric (<c>chatstreams.streams.commit.latency</c>: add the
/// offsets to the transaction, commit it) per application, so the report can say how much of
/// a hop is the commit itself rather than the wait for it. Only measurements taken while a window is open count.
/// </summary>
public sealed class CommitWatch : IDisposable
{
    private const string Instrument = "chatstreams.streams.commit.latency";
    private readonly MeterListener _listener = new();
    private ConcurrentQueue<(string Application, double Ms)>? _window;
    private long _windowStart;

    public CommitWatch()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StreamsMetrics.MeterName && instrument.Name == Instrument) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, ms, tags, _) =>
        {
            if (Volatile.Read(ref _window) is not { } window) return;
            foreach (var tag in tags)
                if (tag.Key == "application.id" && tag.Value is string application)
                    window.Enqueue((application, ms));
        });
        _listener.Start();
    }

    public void Open()
    {
        _windowStart = Stopwatch.GetTimestamp();
        Volatile.Write(ref _window, new ConcurrentQueue<(string, double)>());
    }

    /// <summary>Closes the window: the commits of each application within it.</summary>
    public IReadOnlyDictionary<string, CommitStats> Close()
    {
        var window = Interlocked.Exchange(ref _window, null) ?? new ConcurrentQueue<(string, double)>();
        var seconds = Stopwatch.GetElapsedTime(_windowStart).TotalSeconds;
        return window.GroupBy(c => c.Application).ToDictionary(g => g.Key, g => CommitStats.Of(g.Select(c => c.Ms).ToArray(), seconds));
    }

    public void Dispose() => _listener.Dispose();
}

/// <summary>An application's commits in a window: how often, and how long each took (ms).</summary>
public sealed record CommitStats(int Commits, double PerSecond, double P50Ms, double P99Ms)
{
    public static CommitStats None { get; } = new(0, 0, 0, 0);

    public static CommitStats Of(double[] durationsMs, double seconds)
    {
        if (durationsMs.Length == 0) return None;
        Array.Sort(durationsMs);
        ReadOnlySpan<double> sorted = durationsMs;
        return new CommitStats(durationsMs.Length, durationsMs.Length / seconds,
            Measurement.Percentiles.Of(sorted, 50), Measurement.Percentiles.Of(sorted, 99));
    }
}
