namespace ChatStreams.Streams.Runtime;

/// <summary>What a stream thread's loop spends its time on (Kafka Streams' poll-, process-, punctuate- and commit-ratio).</summary>
internal enum ThreadActivity
{
    Poll,
    Process,
    Punctuate,
    Commit,
}

/// <summary>
/// Time a stream thread spent in each <see cref="ThreadActivity"/> since the last metrics window. It tells a thread
/// that waits for input (poll) from one that is busy processing or blocked in commits — throughput is capped by
/// commits when commit-ratio is high while the process-ratio is low.
/// </summary>
internal sealed class ThreadActivityClock
{
    private readonly TimeSpan[] _spent = new TimeSpan[4];

    /// <summary>Adds the time from <paramref name="from"/> to <paramref name="to"/> to <paramref name="activity"/>; returns <paramref name="to"/>.</summary>
    public TimeSpan Add(ThreadActivity activity, TimeSpan from, TimeSpan to)
    {
        _spent[(int)activity] += to - from;
        return to;
    }

    /// <summary>Each activity's share of <paramref name="window"/>, and starts a new window.</summary>
    public IReadOnlyDictionary<ThreadActivity, double> TakeRatios(TimeSpan window)
    {
        var seconds = Math.Max(window.TotalSeconds, 0.001);
        var ratios = new Dictionary<ThreadActivity, double>();
        for (var i = 0; i < _spent.Length; i++)
        {
            ratios[(ThreadActivity)i] = Math.Min(1, _spent[i].TotalSeconds / seconds);
            _spent[i] = TimeSpan.Zero;
        }
        return ratios;
    }
}
