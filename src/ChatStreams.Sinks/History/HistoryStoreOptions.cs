namespace ChatStreams.Sinks.History;

/// <summary>Where the history lives (section "History"; env History__Store, History__SqlitePath, History__MongoUrl).</summary>
public sealed class HistoryStoreOptions
{
    public const string Section = "History";

    public const string SqliteStore = "sqlite";
    public const string MongoStore = "mongo";

    /// <summary>"sqlite" (one file, the one-machine default) or "mongo" (a MongoDB every machine of a cluster shares).</summary>
    public string Store { get; set; } = SqliteStore;

    /// <summary>The SQLite file (created with its folder when missing); every process of the machine opens the same file.</summary>
    public string SqlitePath { get; set; } = "data/history.db";

    /// <summary>
    /// The MongoDB connection string when Store is "mongo"; the database is the URL's path (default "chatstreams"),
    /// e.g. mongodb://mongo-0:27017,mongo-1:27017/chatstreams?replicaSet=rs0.
    /// </summary>
    public string? MongoUrl { get; set; }
}
