using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.Analytics.Query;

namespace ChatStreams.Ctl.Analytics;

/// <summary>
/// Where `chatctl analytics` sends a query, found in this order: ClickHouse when Analytics__Store=clickhouse;
/// Analytics__QueryUrl when set; the URL a running analytics sink wrote beside its DuckDB file; else the DuckDB file
/// itself, opened read-only (possible only when no sink holds it: DuckDB lets no other process open a file a writer has).
/// </summary>
public sealed class AnalyticsTarget : IAsyncDisposable
{
    private readonly IAnalyticsStore? _store;
    private readonly AnalyticsQueryClient? _client;

    private AnalyticsTarget(string description, IAnalyticsStore? store, AnalyticsQueryClient? client)
    {
        Description = description;
        _store = store;
        _client = client;
    }

    /// <summary>What answered, for error messages and --verbose: "ClickHouse at ...", "analytics sink at ...", "DuckDB file ...".</summary>
    public string Description { get; }

    public static async Task<AnalyticsTarget> ResolveAsync(AnalyticsStoreOptions options, CancellationToken ct)
    {
        var validation = new AnalyticsStoreOptionsValidator().Validate(null, options);
        if (validation.Failed) throw new AnalyticsQueryException(string.Join(" ", validation.Failures));
        if (options.IsClickHouse)
        {
            var clickHouse = AnalyticsStores.Open(options);
            return new AnalyticsTarget($"ClickHouse at {clickHouse.Location}", clickHouse, null);
        }
        if (!string.IsNullOrWhiteSpace(options.QueryUrl))
            return new AnalyticsTarget($"analytics sink at {options.QueryUrl}", null, new AnalyticsQueryClient(new Uri(options.QueryUrl), options.QueryTimeout));

        var urlFile = AnalyticsQueryEndpoint.UrlFile(options.DuckDbPath);
        if (File.Exists(urlFile) && Uri.TryCreate((await File.ReadAllTextAsync(urlFile, ct)).Trim(), UriKind.Absolute, out var written))
        {
            var client = new AnalyticsQueryClient(written, options.QueryTimeout);
            if (await client.IsUpAsync(ct)) return new AnalyticsTarget($"analytics sink at {written}", null, client);
            client.Dispose(); // a sink that was killed left its URL behind: nobody holds the file now
        }
        var file = AnalyticsStores.Open(options, readOnly: true);
        try
        {
            await file.InitializeAsync(ct);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        return new AnalyticsTarget($"DuckDB file {file.Location}", file, null);
    }

    public Task<AnalyticsQueryResult> QueryAsync(string sql, CancellationToken ct) =>
        _client is not null ? _client.QueryAsync(sql, ct) : _store!.QueryAsync(sql, ct);

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_store is not null) await _store.DisposeAsync();
    }
}
