using ChatStreams.Contracts;
using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.Analytics.ClickHouse;

namespace ChatStreams.Bench.Sinks;

/// <summary>The sinks and stores the benchmark measures: the embedded defaults, and ClickHouse when its server is installed.</summary>
public static class BenchSinks
{
    /// <summary>A factory per sink (given a fresh folder and the serdes), and what could not be measured here, if anything.</summary>
    public static (IReadOnlyList<Func<string, ChatSerdes, Task<IBenchSink>>> Factories, string? Skipped) All(SinksBenchSettings settings)
    {
        var factories = new List<Func<string, ChatSerdes, Task<IBenchSink>>>
        {
            (folder, serdes) => Task.FromResult<IBenchSink>(new HistoryBenchSink(folder, serdes)),
            (folder, serdes) => Task.FromResult<IBenchSink>(new SearchBenchSink(folder, serdes)),
            (folder, serdes) => Task.FromResult<IBenchSink>(new AnalyticsBenchSink(
                new AnalyticsStoreOptions { Store = AnalyticsStoreOptions.DuckDbStore, DuckDbPath = Path.Combine(folder, "analytics.duckdb") }, serdes, "DuckDB")),
        };
        string? skipped = null;
        if (!settings.ClickHouse) skipped = "ClickHouse (--no-clickhouse)";
        else if (LocalClickHouseServer.Locate() is null) skipped = "ClickHouse (clickhouse-server is not installed: apt-get install clickhouse-server)";
        else
            factories.Add(async (folder, serdes) =>
            {
                var server = await LocalClickHouseServer.StartAsync(folder);
                return new AnalyticsBenchSink(new AnalyticsStoreOptions { Store = AnalyticsStoreOptions.ClickHouseStore, ClickHouseUrl = server.Url }, serdes,
                    "ClickHouse 18.16", server);
            });
        return (factories, skipped);
    }
}
