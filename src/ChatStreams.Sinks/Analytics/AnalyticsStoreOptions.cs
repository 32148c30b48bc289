namespace ChatStreams.Sinks.Analytics;

/// <summary>
/// Where the analytics facts live (section "Analytics"; env Analytics__Store, Analytics__DuckDbPath,
/// Analytics__ClickHouseUrl, ...). The sink and chatctl read the same section, so they find the same store.
/// </summary>
public sealed class AnalyticsStoreOptions
{
    public const string Section = "Analytics";

    public const string DuckDbStore = "duckdb";
    public const string ClickHouseStore = "clickhouse";

    /// <summary>"duckdb" (one local file, the one-machine default) or "clickhouse" (a ClickHouse server over HTTP).</summary>
    public string Store { get; set; } = DuckDbStore;

    /// <summary>The DuckDB file (created with its folder when missing). Only one process may open it: the sink.</summary>
    public string DuckDbPath { get; set; } = "data/analytics.duckdb";

    /// <summary>
    /// DuckDB's worker threads in the sink's process (its SET threads; 0 = DuckDB's default, one per core). 1 by
    /// default: the sink appends each batch on one thread, and DuckDB's extra workers only spun (sched_yield) while it
    /// did, ~15 % of the sink's CPU at 800 messages/s (docs/benchmarks.md). Raise it when heavy ad-hoc queries through
    /// the query endpoint matter more than the sink's CPU.
    /// </summary>
    public int DuckDbThreads { get; set; } = DefaultDuckDbThreads;

    public const int DefaultDuckDbThreads = 1;

    /// <summary>
    /// Loopback port of the sink's read-only query endpoint when on DuckDB (the file is locked by the sink, so chatctl
    /// asks the sink). 0 picks a free port; the endpoint is written to <c>&lt;DuckDbPath&gt;.query-url</c> either way.
    /// Negative turns the endpoint off.
    /// </summary>
    public int QueryPort { get; set; }

    /// <summary>
    /// Where chatctl sends queries for a DuckDB store held by a sink (e.g. http://127.0.0.1:8125/). Unset: the URL the
    /// sink wrote beside the file, else chatctl opens the file read-only itself.
    /// </summary>
    public string? QueryUrl { get; set; }

    /// <summary>How long chatctl waits for the sink's query endpoint to answer a query.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>ClickHouse's HTTP interface, e.g. http://clickhouse:8123/.</summary>
    public string? ClickHouseUrl { get; set; }

    /// <summary>ClickHouse database of the analytics tables (created when missing).</summary>
    public string ClickHouseDatabase { get; set; } = "chatstreams";

    public string ClickHouseUser { get; set; } = "default";

    public string? ClickHousePassword { get; set; }

    /// <summary>How long one ClickHouse request may take (a big insert or a heavy query).</summary>
    public TimeSpan ClickHouseTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public bool IsClickHouse => string.Equals(Store?.Trim(), ClickHouseStore, StringComparison.OrdinalIgnoreCase);
}
