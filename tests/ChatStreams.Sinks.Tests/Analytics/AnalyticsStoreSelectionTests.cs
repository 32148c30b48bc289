using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.Analytics.ClickHouse;
using ChatStreams.Sinks.Analytics.DuckDb;
using ChatStreams.TestSupport;

namespace ChatStreams.Sinks.Tests.Analytics;

/// <summary>Analytics__Store picks the store and bad settings are named with the variable to fix; no server or file is touched.</summary>
public sealed class AnalyticsStoreSelectionTests : IDisposable
{
    private readonly TempDirectory _folder = new("analytics-selection");

    [Fact]
    public async Task The_default_is_the_duckdb_file()
    {
        var options = new AnalyticsStoreOptions { DuckDbPath = _folder.Sub("a.duckdb") };
        await using var store = Assert.IsType<DuckDbAnalyticsStore>(AnalyticsStores.Open(options));
        Assert.Equal(_folder.Sub("a.duckdb"), store.Location);
        Assert.False(File.Exists(_folder.Sub("a.duckdb")));
        Assert.Equal("data/analytics.duckdb", new AnalyticsStoreOptions().DuckDbPath);
    }

    [Theory]
    [InlineData("clickhouse")]
    [InlineData(" ClickHouse ")]
    public async Task Clickhouse_opens_the_http_store_and_its_location_has_no_secrets(string name)
    {
        var options = new AnalyticsStoreOptions { Store = name, ClickHouseUrl = "http://ch.internal:8123", ClickHousePassword = "s3cret" };
        await using var store = Assert.IsType<ClickHouseAnalyticsStore>(AnalyticsStores.Open(options));
        Assert.Equal("http://ch.internal:8123 database chatstreams", store.Location);
    }

    [Theory]
    [InlineData("postgres", null, "Analytics__Store 'postgres' is unknown")]
    [InlineData("clickhouse", null, "Analytics__ClickHouseUrl is required")]
    [InlineData("clickhouse", "ch:8123", "Analytics__ClickHouseUrl is not an http(s):// URL")]
    [InlineData("clickhouse", "http://user:s3cret@ch:8123/", "must not carry credentials")]
    public void Bad_settings_name_the_variable_to_fix(string store, string? url, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => AnalyticsStores.Open(new AnalyticsStoreOptions { Store = store, ClickHouseUrl = url }));
        Assert.Contains(message, error.Message);
        Assert.DoesNotContain("s3cret", error.Message);
    }

    [Fact]
    public void A_bad_database_name_query_url_port_or_thread_count_is_refused()
    {
        var validator = new AnalyticsStoreOptionsValidator();
        Assert.Contains("Analytics__ClickHouseDatabase", string.Join(" ", validator.Validate(null,
            new AnalyticsStoreOptions { Store = "clickhouse", ClickHouseUrl = "http://ch:8123", ClickHouseDatabase = "x; DROP" }).Failures!));
        Assert.Contains("Analytics__QueryUrl", string.Join(" ", validator.Validate(null, new AnalyticsStoreOptions { QueryUrl = "127.0.0.1:8125" }).Failures!));
        Assert.Contains("Analytics__QueryPort", string.Join(" ", validator.Validate(null, new AnalyticsStoreOptions { QueryPort = 70000 }).Failures!));
        Assert.True(validator.Validate(null, new AnalyticsStoreOptions { QueryPort = -1 }).Succeeded);
        Assert.Contains("Analytics__DuckDbThreads", string.Join(" ", validator.Validate(null, new AnalyticsStoreOptions { DuckDbThreads = -2 }).Failures!));
        Assert.True(validator.Validate(null, new AnalyticsStoreOptions { DuckDbThreads = 0 }).Succeeded);
    }

    public void Dispose() => _folder.Dispose();
}
