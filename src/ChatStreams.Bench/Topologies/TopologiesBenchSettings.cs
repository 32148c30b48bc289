namespace ChatStreams.Bench.Topologies;

/// <summary>What the chat topologies benchmark runs (command-line options of `chatstreams-bench topologies`).</summary>
public sealed record TopologiesBenchSettings
{
    /// <summary>Members per conversation, one measured set each (the issue asks for 2, 50 and 500).</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [2, 50, 500];

    /// <summary>Messages of each size's burst (one value per size, or one for all): about 20 s each on a 2-core machine.</summary>
    public IReadOnlyList<int> Messages { get; init; } = [18_000, 4_500, 500];

    /// <summary>Messages per second of each size's fixed-rate latency run (one per size, or one for all): under a tenth of what each sustains.</summary>
    public IReadOnlyList<double> Rates { get; init; } = [50, 10, 2];

    /// <summary>How long each fixed-rate latency run sends.</summary>
    public int LatencySeconds { get; init; } = 15;

    /// <summary>Partitions of every chat topic (production default 12).</summary>
    public int Partitions { get; init; } = 12;

    /// <summary>Commit interval of both topologies (Kafka Streams' EOS default, and the project's, is 100 ms).</summary>
    public int CommitIntervalMs { get; init; } = 100;

    /// <summary>Messages sent through both topologies before anything is measured (JIT, RocksDB, connections).</summary>
    public int WarmupMessages { get; init; } = 2_000;

    /// <summary>Characters of each message body.</summary>
    public int BodyLength { get; init; } = 100;

    /// <summary>Users of one size's set at most: the conversation count follows from it (see <see cref="ConversationsFor"/>).</summary>
    public const int UsersPerSize = 2_000;

    /// <summary>Fewest and most conversations of one size: several keep more than one partition busy; more add nothing.</summary>
    public const int MinConversations = 4;
    public const int MaxConversations = 48;

    /// <summary>Largest group the conversation topology accepts by default.</summary>
    public const int MaxGroupSize = 1_000;

    public string Output { get; init; } = "docs/benchmarks.md";

    /// <summary>Where the broker's data and the state directories go (a real disk).</summary>
    public string DataParent { get; init; } = Path.GetTempPath();

    /// <summary>The .avsc files registered in the embedded registry (the repository's schemas/).</summary>
    public string SchemasFolder { get; init; } = RepositorySchemas();

    /// <summary>Conversations of a size: as many as fit <see cref="UsersPerSize"/> users, within the min and max.</summary>
    public static int ConversationsFor(int size) => Math.Clamp(UsersPerSize / size, MinConversations, MaxConversations);

    public int MessagesFor(int size) => PerSize(Messages, size);

    public double RateFor(int size) => PerSize(Rates, size);

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Sizes.Count == 0) problems.Add("--sizes needs at least one group size.");
        if (Sizes.Any(s => s is < 2 or > MaxGroupSize)) problems.Add($"--sizes must be between 2 and {MaxGroupSize} members (the conversation topology's group limit).");
        if (Sizes.Distinct().Count() != Sizes.Count) problems.Add("--sizes names a size twice.");
        if (Messages.Count != 1 && Messages.Count != Sizes.Count) problems.Add($"--messages needs one value, or one per size ({Sizes.Count}).");
        if (Messages.Any(m => m < 1)) problems.Add("--messages must be at least 1.");
        if (Rates.Count != 1 && Rates.Count != Sizes.Count) problems.Add($"--rate needs one value, or one per size ({Sizes.Count}).");
        if (Rates.Any(r => !(r > 0))) problems.Add("--rate must be positive (messages per second).");
        if (LatencySeconds < 1) problems.Add("--latency-seconds must be at least 1.");
        if (Partitions < 1) problems.Add("--partitions must be at least 1.");
        if (CommitIntervalMs < 1) problems.Add("--commit-interval-ms must be at least 1.");
        if (WarmupMessages < 0) problems.Add("--warmup-messages must not be negative.");
        if (BodyLength < 1) problems.Add("--body-length must be at least 1.");
        if (!Directory.Exists(SchemasFolder)) problems.Add($"--schemas: {SchemasFolder} does not exist (the folder of .avsc files).");
        return problems;
    }

    private T PerSize<T>(IReadOnlyList<T> values, int size)
    {
        if (values.Count == 1) return values[0];
        var index = Sizes.ToList().IndexOf(size);
        if (index < 0) throw new ArgumentException($"{size} is not one of the sizes ({string.Join(", ", Sizes)})", nameof(size));
        return values[index];
    }

    /// <summary>schemas/ of the repository the benchmark was built in (found by walking up to ChatStreams.sln), else under the current folder.</summary>
    private static string RepositorySchemas()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ChatStreams.sln")))
                return Path.Combine(dir.FullName, "schemas");
        return Path.GetFullPath("schemas");
    }
}
