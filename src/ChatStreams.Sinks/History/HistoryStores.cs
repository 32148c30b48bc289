using ChatStreams.Sinks.History.Mongo;
using ChatStreams.Sinks.History.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Sinks.History;

/// <summary>The one place History__Store picks the implementation, so the sink and the edges open the same store.</summary>
public static class HistoryStores
{
    /// <summary>
    /// The configured store, not yet initialized (nothing here touches a file or a server).
    /// Throws <see cref="InvalidOperationException"/> listing every bad setting.
    /// </summary>
    public static IHistoryStore Open(HistoryStoreOptions options, ILoggerFactory? loggers = null)
    {
        var result = new HistoryStoreOptionsValidator().Validate(null, options);
        if (result.Failed) throw new InvalidOperationException(string.Join(" ", result.Failures));
        loggers ??= NullLoggerFactory.Instance;
        return string.Equals(options.Store.Trim(), HistoryStoreOptions.MongoStore, StringComparison.OrdinalIgnoreCase)
            ? new MongoHistoryStore(options.MongoUrl!, loggers.CreateLogger<MongoHistoryStore>())
            : new SqliteHistoryStore(options.SqlitePath, loggers.CreateLogger<SqliteHistoryStore>());
    }

    /// <summary>Where the store keeps the history, without secrets, for logs and the startup line.</summary>
    public static string Describe(IHistoryStore store) => store switch
    {
        SqliteHistoryStore sqlite => sqlite.DatabasePath,
        MongoHistoryStore mongo => mongo.Location,
        _ => store.GetType().Name,
    };
}
