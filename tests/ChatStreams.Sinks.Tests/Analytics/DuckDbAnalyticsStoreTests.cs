using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.Analytics.DuckDb;
using ChatStreams.TestSupport;

namespace ChatStreams.Sinks.Tests.Analytics;

public sealed class DuckDbAnalyticsStoreTests : AnalyticsStoreContract, IAsyncLifetime
{
    private readonly TempDirectory _folder = new("analytics-duckdb");
    private readonly List<IAnalyticsStore> _stores = [];
    private int _count;

    protected override string Dialect => "duckdb";

    protected override string Final => "";

    protected override async Task<IAnalyticsStore> CreateStoreAsync()
    {
        var store = await CreateUnmigratedStoreAsync();
        await store.InitializeAsync(default);
        return store;
    }

    protected override Task<IAnalyticsStore> CreateUnmigratedStoreAsync() => Task.FromResult(Track(new DuckDbAnalyticsStore(_folder.Sub($"nested/analytics-{++_count}.duckdb"))));

    protected override Task<IAnalyticsStore> SecondStoreOnSameDatabaseAsync(IAnalyticsStore first) =>
        Task.FromResult(Track(new DuckDbAnalyticsStore(((DuckDbAnalyticsStore)first).DatabasePath)));

    private IAnalyticsStore Track(IAnalyticsStore store)
    {
        _stores.Add(store);
        return store;
    }

    [Fact]
    public async Task A_read_only_store_answers_queries_and_refuses_to_write()
    {
        var path = _folder.Sub("shared.duckdb");
        await using (var writer = new DuckDbAnalyticsStore(path))
        {
            await writer.InitializeAsync(default);
            await new AnalyticsSinkWriter(writer).WriteAsync(AnalyticsScenario.Records(), default);
        }
        await using var reader = new DuckDbAnalyticsStore(path, readOnly: true);
        await reader.InitializeAsync(default);
        var result = await reader.QueryAsync("SELECT count(*) AS messages FROM messages", default);
        Assert.Equal(6L, result.Rows[0][0]);
        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.WriteAsync(AnalyticsBatch.Empty, default));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task The_sinks_database_runs_the_configured_number_of_duckdb_threads(int threads)
    {
        await using var store = new DuckDbAnalyticsStore(_folder.Sub($"threads-{threads}.duckdb"), threads: threads);
        await store.InitializeAsync(default);
        var result = await store.QueryAsync("SELECT current_setting('threads') AS threads", default);
        Assert.Equal((long)threads, Convert.ToInt64(result.Rows[0][0]));
    }

    [Fact]
    public void The_default_options_give_the_sink_one_duckdb_thread() => Assert.Equal(1, new AnalyticsStoreOptions().DuckDbThreads);

    [Fact]
    public async Task A_missing_file_opened_read_only_says_to_start_the_sink()
    {
        await using var reader = new DuckDbAnalyticsStore(_folder.Sub("missing.duckdb"), readOnly: true);
        var error = await Assert.ThrowsAsync<AnalyticsQueryException>(() => reader.InitializeAsync(default));
        Assert.Contains("chatstreams sink analytics", error.Message);
    }

    [Fact]
    public async Task Queries_cannot_reach_the_machines_files()
    {
        var store = await CreateStoreAsync();
        var error = await Assert.ThrowsAsync<AnalyticsQueryException>(() => store.QueryAsync("SELECT * FROM read_csv('/etc/passwd')", default));
        Assert.Contains("DuckDB refused", error.Message);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores) await store.DisposeAsync();
        _folder.Dispose();
    }
}
