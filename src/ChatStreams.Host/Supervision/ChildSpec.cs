namespace ChatStreams.Host.Supervision;

/// <summary>A component the host runs as its own process: a name, the chatstreams arguments and extra environment.</summary>
public sealed record ChildSpec(string Name, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string>? Environment = null)
{
    /// <summary>The program to run; null means this same chatstreams binary (as a cluster deploys it).</summary>
    public string? Executable { get; init; }

    /// <summary>
    /// Scheduling niceness (0–19) on Linux, applied by starting the child under nice(1) so every thread it ever makes
    /// inherits it. Work that may lag (search, analytics) then yields the cores to the message path when a small machine
    /// runs everything, and still uses every idle cycle to catch up.
    /// </summary>
    public int Niceness { get; init; }
}
