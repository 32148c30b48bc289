namespace ChatStreams.Bench.Topologies;

/// <summary>One group size: its burst and its fixed-rate latency run.</summary>
/// <param name="Members">Members per conversation.</param>
/// <param name="Conversations">Conversations the messages went round-robin to (each member sends in turn).</param>
/// <param name="BurstActivity">What the topologies' stream threads did during the burst.</param>
/// <param name="Rate">Messages per second of the latency run.</param>
/// <param name="LatencyActivity">What the topologies' stream threads did during the latency run.</param>
/// <param name="Duplicates">Deliveries seen beyond one per member and message, over both runs (exactly-once: 0).</param>
public sealed record GroupSizeResult(int Members, int Conversations, ThroughputRun Burst, WindowActivity BurstActivity, double Rate,
    LatencyBreakdown Latency, WindowActivity LatencyActivity, int Duplicates)
{
    /// <summary>The latency run's rate as a share of what the burst sustained.</summary>
    public double Load => Rate / Burst.MessagesPerSecond;
}

/// <param name="StartupSeconds">From nothing to both topologies Running (registry, broker, topics, internal topics, group joins).</param>
public sealed record TopologiesBenchResult(IReadOnlyList<GroupSizeResult> Sizes, double StartupSeconds);
