using Microsoft.Extensions.Options;

namespace ChatStreams.Sinks.Search;

/// <summary>
/// Checks <see cref="SearchIndexOptions"/> before an index is opened, so a bad setting stops the process with a
/// message naming the environment variable to fix instead of failing the first batch or the first search.
/// </summary>
public sealed class SearchIndexOptionsValidator : IValidateOptions<SearchIndexOptions>
{
    // Elasticsearch refuses these in index names (and upper case, and a leading '-', '_' or '+').
    private static readonly char[] ForbiddenInIndexName = ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':'];

    public ValidateOptionsResult Validate(string? name, SearchIndexOptions options)
    {
        var failures = new List<string>();
        var store = options.Store?.Trim() ?? "";
        if (string.Equals(store, SearchIndexOptions.LuceneStore, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(options.LucenePath))
                failures.Add("Search__LucenePath must name the folder of the Lucene search index (for example data/search).");
        }
        else if (string.Equals(store, SearchIndexOptions.ElasticsearchStore, StringComparison.OrdinalIgnoreCase))
        {
            ValidateElasticsearch(options, failures);
        }
        else
        {
            failures.Add(
                $"Search__Store '{options.Store}' is unknown; use '{SearchIndexOptions.LuceneStore}' (an index folder on this machine, " +
                $"the default) or '{SearchIndexOptions.ElasticsearchStore}' (Elasticsearch at Search__ElasticUrl).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateElasticsearch(SearchIndexOptions options, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.ElasticUrl))
            failures.Add("Search__ElasticUrl is required when Search__Store is 'elasticsearch': give its HTTP endpoint (for example http://elasticsearch:9200).");
        else if (!Uri.TryCreate(options.ElasticUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            failures.Add($"Search__ElasticUrl '{options.ElasticUrl}' is not an http:// or https:// URL; give Elasticsearch's endpoint, for example http://elasticsearch:9200.");
        else if (!string.IsNullOrEmpty(url.UserInfo))
            failures.Add("Search__ElasticUrl must not carry credentials; set Search__ElasticUsername and Search__ElasticPassword (or Search__ElasticApiKey) instead.");

        var index = options.IndexName ?? "";
        if (string.IsNullOrWhiteSpace(index) || index != index.ToLowerInvariant() || index.IndexOfAny(ForbiddenInIndexName) >= 0
            || index[0] is '-' or '_' or '+' || index is "." or ".." || System.Text.Encoding.UTF8.GetByteCount(index) > 240)
            failures.Add($"Search__IndexName '{options.IndexName}' is not a valid Elasticsearch index name: use lower case letters, digits, '-' and '_', " +
                         "not starting with '-', '_' or '+', at most 240 bytes (for example chatstreams-messages).");

        var user = !string.IsNullOrEmpty(options.ElasticUsername);
        var password = !string.IsNullOrEmpty(options.ElasticPassword);
        if (user != password)
            failures.Add("Search__ElasticUsername and Search__ElasticPassword go together: set both for basic authentication, or neither.");
        if (user && !string.IsNullOrEmpty(options.ElasticApiKey))
            failures.Add("Set either Search__ElasticApiKey or Search__ElasticUsername/Search__ElasticPassword, not both.");
        if (options.ElasticTimeout <= TimeSpan.Zero)
            failures.Add($"Search__ElasticTimeout is {options.ElasticTimeout}; give a positive time span such as 00:00:30.");
    }
}
