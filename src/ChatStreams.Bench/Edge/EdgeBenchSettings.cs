using global::ChatStreams.Edge;

namespace ChatStreams.Bench.Edge;

/// <summary>What the edge benchmark runs (command-line options of `chatstreams-bench edge`).</summary>
public sealed record EdgeBenchSettings
{
    /// <summary>The gateway of an already running system; null: the benchmark starts `chatstreams up` itself.</summary>
    public string? Url { get; init; }

    /// <summary>Direct conversations of the "direct" scenario, one sender and one receiver each.</summary>
    public int Pairs { get; init; } = 20;

    /// <summary>Messages each sender sends (both scenarios).</summary>
    public int Messages { get; init; } = 100;

    /// <summary>Messages per second of each sending connection: half the edge's per-connection limit, so no frame is refused.</summary>
    public double Rate { get; init; } = 10;

    /// <summary>Members of the one group of the "group" scenario.</summary>
    public int GroupSize { get; init; } = 50;

    /// <summary>Members of the group that send.</summary>
    public int GroupSenders { get; init; } = 5;

    public string Output { get; init; } = "docs/benchmarks.md";

    /// <summary>True for the smoke-test sizes of --quick (the section says so).</summary>
    public bool Quick { get; init; }

    /// <summary>The --quick sizes: a few seconds of traffic that still crosses both edges and checks every delivery.</summary>
    public static EdgeBenchSettings QuickDefaults { get; } = new() { Pairs = 4, Messages = 20, GroupSize = 10, GroupSenders = 2, Quick = true };

    /// <summary>Pairs and messages per sender of the unreported warm-up (JIT of the edges, gateway and clients; Kafka connections).</summary>
    public const int WarmupPairs = 2;
    public const int WarmupMessages = 20;

    /// <summary>Characters of every message body (the send timestamp, then plain text).</summary>
    public const int BodyLength = 100;

    /// <summary>Frames per second one connection may send before the edge answers rate_limited (the edge's default).</summary>
    public static int ConnectionRateLimit { get; } = new EdgeOptions().ConnectionRate.PerSecond;

    /// <summary>Messages that must reach each member of the group: every sender's.</summary>
    public int GroupMessages => GroupSenders * Messages;

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Url is not null && !(Uri.TryCreate(Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            problems.Add($"--url: '{Url}' is not an http(s) URL; give the gateway's address, e.g. http://127.0.0.1:8080.");
        if (Pairs < 1) problems.Add("--pairs must be at least 1.");
        if (Messages < 1) problems.Add("--messages must be at least 1.");
        if (!(Rate > 0)) problems.Add("--rate must be positive (messages per second per sending connection).");
        else if (Rate >= ConnectionRateLimit)
            problems.Add($"--rate {Rate} is not below the edge's limit of {ConnectionRateLimit} frames/s per connection: sends would be refused (rate_limited). Use less, e.g. {ConnectionRateLimit / 2}.");
        if (GroupSize < 2) problems.Add("--group-size must be at least 2 (a group needs another member).");
        if (GroupSenders < 1) problems.Add("--group-senders must be at least 1.");
        else if (GroupSenders > GroupSize) problems.Add($"--group-senders ({GroupSenders}) cannot exceed --group-size ({GroupSize}).");
        return problems;
    }
}
