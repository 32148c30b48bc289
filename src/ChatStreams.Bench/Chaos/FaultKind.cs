namespace ChatStreams.Bench.Chaos;

/// <summary>The faults a campaign injects, each a kind of process killed -9 (and restarted) or a client-side event.</summary>
public enum FaultKind
{
    /// <summary>kill -9 of an edge; its clients reconnect through the gateway to another edge and resume.</summary>
    Edge,
    /// <summary>kill -9 of the gateway; every socket drops until `up`'s supervisor restarts it.</summary>
    Gateway,
    /// <summary>kill -9 of the `topology all` process `up` supervises (conversation, fan-out, presence).</summary>
    Topologies,
    /// <summary>kill -9 of the second topology instance the campaign runs itself, which it then starts again.</summary>
    SecondTopologyInstance,
    /// <summary>A topology instance joins or leaves the consumer groups: partitions move while messages flow.</summary>
    Rebalance,
    SinkHistory,
    SinkSearch,
    SinkAnalytics,
    /// <summary>kill -9 of the broker run on its own, restarted on the same port and data directory.</summary>
    Broker,
    /// <summary>20 % of the clients lose their connection at once and resume.</summary>
    ReconnectStorm,
}

/// <summary>One fault as injected: what, which process, when (Stopwatch timestamp) and, once known, how long recovery took.</summary>
public sealed record InjectedFault(FaultKind Kind, string Target, long At)
{
    /// <summary>Milliseconds until the system served as before (see <see cref="ChaosVerdict"/>); null: not recovered within the wait.</summary>
    public double? RecoveryMs { get; set; }
}

public static class FaultKinds
{
    /// <summary>Which `up` child a process fault kills; null for faults that are not a kill of an `up` child.</summary>
    public static string? UpChild(FaultKind kind, int index, int edges) => kind switch
    {
        FaultKind.Edge => $"edge-{index % edges}",
        FaultKind.Gateway => "gateway",
        FaultKind.Topologies => "topologies",
        FaultKind.SinkHistory => "sink-history",
        FaultKind.SinkSearch => "sink-search",
        FaultKind.SinkAnalytics => "sink-analytics",
        _ => null,
    };

    public static bool IsSink(FaultKind kind) => kind is FaultKind.SinkHistory or FaultKind.SinkSearch or FaultKind.SinkAnalytics;

    public static string Label(FaultKind kind) => kind switch
    {
        FaultKind.Edge => "edge killed",
        FaultKind.Gateway => "gateway killed",
        FaultKind.Topologies => "topology instance 1 killed",
        FaultKind.SecondTopologyInstance => "topology instance 2 killed",
        FaultKind.Rebalance => "rebalance (instance joins/leaves)",
        FaultKind.SinkHistory => "history sink killed",
        FaultKind.SinkSearch => "search sink killed",
        FaultKind.SinkAnalytics => "analytics sink killed",
        FaultKind.Broker => "broker killed",
        FaultKind.ReconnectStorm => "reconnect storm (20 % of clients)",
        _ => kind.ToString(),
    };

    /// <summary>
    /// The order of a campaign's faults: every kind at least once (the first round in a fixed order that puts the
    /// second instance's join before its kill), then random kinds from <paramref name="seed"/>.
    /// </summary>
    public static IReadOnlyList<FaultKind> Schedule(int count, int seed)
    {
        FaultKind[] firstRound =
        [
            FaultKind.Rebalance, FaultKind.Edge, FaultKind.SinkHistory, FaultKind.Topologies, FaultKind.Gateway,
            FaultKind.ReconnectStorm, FaultKind.SinkSearch, FaultKind.SecondTopologyInstance, FaultKind.Broker,
            FaultKind.SinkAnalytics, FaultKind.Edge,
        ];
        var random = new Random(seed);
        var all = Enum.GetValues<FaultKind>().Where(k => k != FaultKind.Rebalance).ToArray();
        var schedule = new List<FaultKind>(firstRound.Take(count));
        while (schedule.Count < count) schedule.Add(all[random.Next(all.Length)]);
        return schedule;
    }
}
