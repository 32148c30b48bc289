namespace ChatStreams.Bench.Chaos;

/// <summary>What a fault campaign runs: the chat load, how often a fault hits, and the broker's request faults.</summary>
public sealed record ChaosSettings
{
    /// <summary>Seconds of load with faults (after a fault-free warm-up of <see cref="WarmupSeconds"/>).</summary>
    public int DurationSeconds { get; init; } = 300;
    public int WarmupSeconds { get; init; } = 10;
    public int Directs { get; init; } = 12;
    public int Groups { get; init; } = 4;
    public int GroupSize { get; init; } = 5;
    /// <summary>Messages per second over all conversations, open loop (sent on schedule whatever the system does).</summary>
    public double Rate { get; init; } = 40;
    public double FaultEverySeconds { get; init; } = 15;
    public int Seed { get; init; } = 1;
    /// <summary>Per-request chances of the broker's injected faults (Broker:Faults).</summary>
    public double BrokerDropBeforeRate { get; init; } = 0.002;
    public double BrokerDropAfterRate { get; init; } = 0.002;
    public double BrokerDelayRate { get; init; } = 0.01;
    /// <summary>How long the end waits for every send to be acked and every device to hold every message.</summary>
    public int DrainSeconds { get; init; } = 240;
    public string Output { get; init; } = "docs/reliability.md";
    /// <summary>Where the system's data and logs go (kept when a check fails); null: a fresh temp folder.</summary>
    public string? WorkDirectory { get; init; }
    public bool Quick { get; init; }

    public static ChaosSettings QuickDefaults { get; } = new()
    {
        DurationSeconds = 66, WarmupSeconds = 8, Directs = 4, Groups = 2, GroupSize = 4, Rate = 16, FaultEverySeconds = 6, DrainSeconds = 240,
    };

    public int Users => 2 * Directs + Groups * GroupSize;
    public int FaultCount => Math.Max(1, (int)(DurationSeconds / FaultEverySeconds));

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (DurationSeconds < 10) problems.Add("--duration must be at least 10 seconds");
        if (Directs < 0 || Groups < 0 || Directs + Groups == 0) problems.Add("--directs and --groups must not be negative, and one of them positive");
        if (GroupSize is < 3 or > 100) problems.Add("--group-size must be between 3 and 100");
        if (Rate is <= 0 or > 2000) problems.Add("--rate must be above 0 and at most 2000 messages/s");
        if (FaultEverySeconds < 2) problems.Add("--fault-every must be at least 2 seconds");
        foreach (var (name, rate) in new[] { ("--broker-drop-before", BrokerDropBeforeRate), ("--broker-drop-after", BrokerDropAfterRate), ("--broker-delay", BrokerDelayRate) })
            if (rate is < 0 or > 0.2) problems.Add($"{name} must be between 0 and 0.2");
        return problems;
    }
}
