namespace ChatStreams.Host.Supervision;

/// <summary>A component the host runs as its own process: a name, the chatstreams arguments and extra environment.</summary>
public sealed record ChildSpec(string Name, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string>? Environment = null)
{
    /// <summary>The program to run; null means this same chatstreams binary (as a cluster deploys it).</summary>
    public string? Executable { get; init; }
}
