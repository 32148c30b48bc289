namespace ChatStreams.Bench.Sinks;

/// <summary>One sink's numbers.</summary>
/// <param name="Records">Records of chat.events the throughput run landed (creations and messages).</param>
/// <param name="Seconds">From the sink's start to its store holding all of them (the group's commits reached the end).</param>
/// <param name="Freshness">Milliseconds from a message's transaction commit to a reader of the store seeing it, one sample per message.</param>
public sealed record SinkBenchResult(string Name, string Store, long Records, double Seconds, IReadOnlyList<double> Freshness)
{
    public double RowsPerSecond => Records / Seconds;
}

public sealed record SinksBenchResult(IReadOnlyList<SinkBenchResult> Sinks, int FreshnessMessages, double FreshnessRate, string? Skipped);
