namespace ChatStreams.Sinks.History;

/// <summary>Where the history lives (section "History"; env History__Store, History__SqlitePath).</summary>
public sealed class HistoryStoreOptions
{
    public const string Section = "History";

    /// <summary>"sqlite" (one file, the one-machine default); "mongodb" comes with the MongoDB store.</summary>
    public string Store { get; set; } = "sqlite";

    /// <summary>The SQLite file (created with its folder when missing); every process of the machine opens the same file.</summary>
    public string SqlitePath { get; set; } = "data/history.db";
}
