using Microsoft.Extensions.Options;
using MongoDB.Driver;

namespace ChatStreams.Sinks.History;

/// <summary>
/// Checks <see cref="HistoryStoreOptions"/> before a store is opened, so a bad setting stops the process with a
/// message naming the environment variable to fix instead of failing the first batch.
/// </summary>
public sealed class HistoryStoreOptionsValidator : IValidateOptions<HistoryStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, HistoryStoreOptions options)
    {
        var failures = new List<string>();
        var store = options.Store?.Trim() ?? "";
        if (string.Equals(store, HistoryStoreOptions.SqliteStore, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(options.SqlitePath))
                failures.Add("History__SqlitePath must name the SQLite file that holds the history (for example data/history.db).");
        }
        else if (string.Equals(store, HistoryStoreOptions.MongoStore, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(options.MongoUrl))
                failures.Add(
                    "History__MongoUrl is required when History__Store is 'mongo': give the MongoDB connection string " +
                    "(for example mongodb://user:password@mongo:27017/chatstreams).");
            else if (UrlProblem(options.MongoUrl) is { } problem)
                failures.Add($"History__MongoUrl is not a valid MongoDB connection string: {problem} " +
                             "Use the form mongodb://[user:password@]host[:port][,host2...]/[database][?options].");
        }
        else
        {
            failures.Add(
                $"History__Store '{options.Store}' is unknown; use '{HistoryStoreOptions.SqliteStore}' (history in a local file, " +
                $"the default) or '{HistoryStoreOptions.MongoStore}' (history in MongoDB at History__MongoUrl).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string? UrlProblem(string url)
    {
        try
        {
            _ = new MongoUrl(url);
            return null;
        }
        catch (Exception e) when (e is MongoConfigurationException or ArgumentException or FormatException)
        {
            return e.Message; // the driver hides credentials in its messages
        }
    }
}
