using ChatStreams.Streams.Processor;

namespace ChatStreams.Streams.Runtime;

/// <summary>One scheduled punctuator: when it fires next and what it runs (Kafka Streams' PunctuationSchedule).</summary>
internal sealed class PunctuationSchedule(string processorName, long firstTime, long intervalMs, Action<long> punctuator) : ICancellable
{
    public string ProcessorName { get; } = processorName;
    public long IntervalMs { get; } = intervalMs;
    public Action<long> Punctuator { get; } = punctuator;
    public long NextTime { get; private set; } = firstTime;
    public bool Cancelled { get; private set; }

    public void Cancel() => Cancelled = true;

    /// <summary>
    /// Moves to the first interval boundary after <paramref name="now"/>. Intervals missed during a gap (no records for
    /// a while, a long pause) are skipped rather than fired back to back, as in Kafka Streams.
    /// </summary>
    public void Reschedule(long now)
    {
        var next = NextTime + IntervalMs;
        if (now >= next) next = NextTime + ((now - NextTime) / IntervalMs + 1) * IntervalMs;
        NextTime = next;
    }
}
