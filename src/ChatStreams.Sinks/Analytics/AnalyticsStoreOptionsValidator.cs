using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ChatStreams.Sinks.Analytics;

/// <summary>
/// Checks <see cref="AnalyticsStoreOptions"/> before a store is opened, so a bad setting stops the sink (or chatctl)
/// with a message naming the environment variable to fix instead of failing the first batch.
/// </summary>
public sealed partial class AnalyticsStoreOptionsValidator : IValidateOptions<AnalyticsStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, AnalyticsStoreOptions options)
    {
        var failures = new List<string>();
        var store = options.Store?.Trim() ?? "";
        if (string.Equals(store, AnalyticsStoreOptions.DuckDbStore, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(options.DuckDbPath))
                failures.Add("Analytics__DuckDbPath must name the DuckDB file that holds the analytics tables (for example data/analytics.duckdb).");
            if (options.QueryPort > 65535)
                failures.Add($"Analytics__QueryPort {options.QueryPort} is not a port; use 0 (a free port), 1-65535, or -1 to turn the query endpoint off.");
            if (!string.IsNullOrWhiteSpace(options.QueryUrl) && !IsHttpUrl(options.QueryUrl))
                failures.Add($"Analytics__QueryUrl '{options.QueryUrl}' is not an http:// URL; give the sink's query endpoint, e.g. http://127.0.0.1:8125/.");
            if (options.DuckDbThreads < 0)
                failures.Add($"Analytics__DuckDbThreads {options.DuckDbThreads} is negative; use 1 (the default), more for faster ad-hoc queries, or 0 for DuckDB's one per core.");
        }
        else if (string.Equals(store, AnalyticsStoreOptions.ClickHouseStore, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(options.ClickHouseUrl))
                failures.Add("Analytics__ClickHouseUrl is required when Analytics__Store is 'clickhouse': give ClickHouse's HTTP interface, e.g. http://clickhouse:8123/.");
            else if (!IsHttpUrl(options.ClickHouseUrl))
                failures.Add("Analytics__ClickHouseUrl is not an http(s):// URL; give ClickHouse's HTTP interface, e.g. http://clickhouse:8123/.");
            else if (new Uri(options.ClickHouseUrl).UserInfo.Length > 0)
                // The URL shows up in logs and errors; a password in it would too.
                failures.Add("Analytics__ClickHouseUrl must not carry credentials; put them in Analytics__ClickHouseUser and Analytics__ClickHousePassword.");
            if (string.IsNullOrWhiteSpace(options.ClickHouseDatabase) || !DatabaseName().IsMatch(options.ClickHouseDatabase))
                failures.Add($"Analytics__ClickHouseDatabase '{options.ClickHouseDatabase}' must be a plain name (letters, digits, underscore), e.g. chatstreams.");
            if (options.ClickHouseTimeout <= TimeSpan.Zero)
                failures.Add("Analytics__ClickHouseTimeout must be positive, e.g. 00:01:00.");
        }
        else
        {
            failures.Add(
                $"Analytics__Store '{options.Store}' is unknown; use '{AnalyticsStoreOptions.DuckDbStore}' (a local DuckDB file, the default) " +
                $"or '{AnalyticsStoreOptions.ClickHouseStore}' (a ClickHouse server at Analytics__ClickHouseUrl).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex DatabaseName();
}
