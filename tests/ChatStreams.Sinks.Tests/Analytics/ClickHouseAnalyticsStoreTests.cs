using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.Analytics.ClickHouse;
using ChatStreams.Sinks.Tests.Support;
using Xunit.Abstractions;

namespace ChatStreams.Sinks.Tests.Analytics;

/// <summary>The contract on a real clickhouse-server (started by <see cref="ClickHouseServer"/>), one database per store.</summary>
public sealed class ClickHouseAnalyticsStoreTests(ClickHouseServer server, ITestOutputHelper output) : AnalyticsStoreContract, IClassFixture<ClickHouseServer>, IAsyncLifetime
{
    private readonly List<IAnalyticsStore> _stores = [];

    protected override string Dialect => "clickhouse";

    protected override string Final => "FINAL";

    private AnalyticsStoreOptions Options(string database) => new()
    {
        Store = AnalyticsStoreOptions.ClickHouseStore, ClickHouseUrl = server.Url, ClickHouseDatabase = database,
    };

    protected override async Task<IAnalyticsStore> CreateStoreAsync()
    {
        var store = await CreateUnmigratedStoreAsync();
        await store.InitializeAsync(default);
        return store;
    }

    protected override Task<IAnalyticsStore> CreateUnmigratedStoreAsync() =>
        Task.FromResult(Track(AnalyticsStores.Open(Options($"analytics_{Guid.NewGuid():N}"))));

    protected override Task<IAnalyticsStore> SecondStoreOnSameDatabaseAsync(IAnalyticsStore first) =>
        Task.FromResult(Track(AnalyticsStores.Open(Options(first.Location[(first.Location.LastIndexOf(' ') + 1)..]))));

    private IAnalyticsStore Track(IAnalyticsStore store)
    {
        _stores.Add(store);
        return store;
    }

    [Fact]
    public async Task Text_with_tabs_newlines_backslashes_and_unicode_survives_the_tab_separated_insert()
    {
        var store = await CreateStoreAsync();
        var title = "a\tb\nc\\d\re\0f 'g' \"h\" — 日本 👍 \\N";
        await store.WriteAsync(AnalyticsBatch.Empty with { Conversations = [new ConversationRow("c\tweird\\id", "group", title, "alice", 1, 2)] }, default);
        var rows = (await store.QueryAsync("SELECT conversation_id, title FROM conversations FINAL", default)).Rows;
        Assert.Equal(new object?[] { "c\tweird\\id", title }, rows.Single());
        Assert.Equal("group", (await store.ConversationKindsAsync(["c\tweird\\id"], default))["c\tweird\\id"]);
    }

    [Fact]
    public async Task Rows_written_twice_by_a_replay_change_no_documented_answer()
    {
        var store = await CreateStoreAsync();
        await new AnalyticsSinkWriter(store).WriteAsync(AnalyticsScenario.Records(), default);
        var before = await AnswersAsync(store);
        // The worst replay: every row of the batch written again exactly as the first time (a crash after the whole
        // write, before the commit, with lookups seeing nothing of the first write), so each table holds duplicates.
        await store.WriteAsync(await store.BuildBatchAgainAsync(AnalyticsScenario.Records()), default);

        Assert.Equal(before, await AnswersAsync(store));
        Assert.Equal(6L, (await store.QueryAsync("SELECT count(*) FROM messages FINAL", default)).Rows[0][0]);
        Assert.Equal(6L, (await store.QueryAsync("SELECT count(DISTINCT conversation_id, seq) FROM messages", default)).Rows[0][0]);
    }

    private static async Task<List<string>> AnswersAsync(IAnalyticsStore store)
    {
        var answers = new List<string>();
        foreach (var example in AnalyticsDocExamples.For("clickhouse"))
            answers.Add(example.Title + ": " + string.Join(" | ", (await store.QueryAsync(example.Sql, default)).Rows.Select(r => string.Join(",", r))));
        return answers;
    }

    [Fact]
    public async Task Errors_carry_clickhouses_message_and_an_unreachable_server_says_where()
    {
        var store = await CreateStoreAsync();
        var bad = await Assert.ThrowsAsync<AnalyticsQueryException>(() => store.QueryAsync("SELECT nope FROM messages", default));
        Assert.Contains("Unknown identifier: nope", bad.Message);
        Assert.DoesNotContain("e.what()", bad.Message);
        output.WriteLine(bad.Message);

        await using var nowhere = AnalyticsStores.Open(new AnalyticsStoreOptions
        {
            Store = "clickhouse", ClickHouseUrl = "http://127.0.0.1:1/", ClickHouseTimeout = TimeSpan.FromSeconds(5),
        });
        var down = await Assert.ThrowsAsync<ClickHouseException>(() => nowhere.InitializeAsync(default));
        Assert.Contains("127.0.0.1:1", down.Message);
        Assert.Contains("Analytics__ClickHouseUrl", down.Message);
    }

    [Fact]
    public async Task Credentials_go_in_headers_and_a_wrong_password_says_which_setting_to_fix()
    {
        var options = Options($"analytics_{Guid.NewGuid():N}");
        options.ClickHouseUser = ClickHouseServer.AnalystUser;
        options.ClickHousePassword = ClickHouseServer.AnalystPassword;
        var store = Track(AnalyticsStores.Open(options));
        await store.InitializeAsync(default);
        Assert.Equal([1, 2], await store.AppliedMigrationsAsync(default));

        options.ClickHousePassword = "wrong";
        var refused = Track(AnalyticsStores.Open(options));
        var error = await Assert.ThrowsAsync<AnalyticsQueryException>(() => refused.QueryAsync("SELECT 1", default));
        Assert.Contains("Wrong password for user analyst", error.Message);
        Assert.Contains("Analytics__ClickHousePassword", error.Message);
        Assert.DoesNotContain("wrong", error.Message.Replace("Wrong password", ""));
    }

    public Task InitializeAsync()
    {
        output.WriteLine($"clickhouse-server at {server.Url} started in {server.StartedIn.TotalSeconds:0.0} s");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores) await store.DisposeAsync();
    }
}

internal static class ReplayBatches
{
    /// <summary>The rows a batch makes on an empty store: what a replay after a crash before the commit writes again.</summary>
    public static Task<AnalyticsBatch> BuildBatchAgainAsync(this IAnalyticsStore _, IReadOnlyList<AnalyticsRecord> records) =>
        new AnalyticsSinkWriter(new EmptyLookups()).BuildAsync(records, default);

    private sealed class EmptyLookups : IAnalyticsStore
    {
        public string Location => "nowhere";
        public Task InitializeAsync(CancellationToken ct) => Task.CompletedTask;
        public Task<IReadOnlyList<int>> MigrateAsync(int upToVersion, CancellationToken ct) => Task.FromResult<IReadOnlyList<int>>([]);
        public Task<IReadOnlyList<int>> AppliedMigrationsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<int>>([]);
        public Task WriteAsync(AnalyticsBatch batch, CancellationToken ct) => throw new NotSupportedException("lookups only");
        public Task<IReadOnlyDictionary<string, string>> ConversationKindsAsync(IReadOnlyCollection<string> conversationIds, CancellationToken ct) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
        public Task<IReadOnlyDictionary<(string ConversationId, string UserId), long>> ReadSeqsAsync(
            IReadOnlyCollection<(string ConversationId, string UserId)> members, CancellationToken ct) =>
            Task.FromResult<IReadOnlyDictionary<(string, string), long>>(new Dictionary<(string, string), long>());
        public Task<IReadOnlyDictionary<string, PresenceSessionRow>> LatestPresenceSessionsAsync(IReadOnlyCollection<string> userIds, CancellationToken ct) =>
            Task.FromResult<IReadOnlyDictionary<string, PresenceSessionRow>>(new Dictionary<string, PresenceSessionRow>());
        public Task<AnalyticsQueryResult> QueryAsync(string sql, CancellationToken ct) => throw new NotSupportedException("lookups only");
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
