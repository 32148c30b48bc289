using ChatStreams.Sinks.Analytics.ClickHouse;
using ChatStreams.Sinks.Analytics.DuckDb;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Sinks.Analytics;

/// <summary>The one place Analytics__Store picks the implementation, so the sink and chatctl open the same store.</summary>
public static class AnalyticsStores
{
    /// <summary>
    /// The configured store, not yet initialized. <paramref name="readOnly"/> opens a DuckDB file read-only (chatctl
    /// when no sink holds it). Throws <see cref="InvalidOperationException"/> listing every bad setting.
    /// </summary>
    public static IAnalyticsStore Open(AnalyticsStoreOptions options, ILoggerFactory? loggers = null, bool readOnly = false)
    {
        var result = new AnalyticsStoreOptionsValidator().Validate(null, options);
        if (result.Failed) throw new InvalidOperationException(string.Join(" ", result.Failures));
        loggers ??= NullLoggerFactory.Instance;
        return options.IsClickHouse
            ? new ClickHouseAnalyticsStore(options, loggers.CreateLogger<ClickHouseAnalyticsStore>())
            : new DuckDbAnalyticsStore(options.DuckDbPath, readOnly, loggers.CreateLogger<DuckDbAnalyticsStore>(), options.DuckDbThreads);
    }
}
