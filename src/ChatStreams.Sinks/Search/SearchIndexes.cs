using ChatStreams.Sinks.Search.Elasticsearch;
using ChatStreams.Sinks.Search.Lucene;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Sinks.Search;

/// <summary>The one place Search__Store picks the implementation, so the sink and the edges use the same index.</summary>
public static class SearchIndexes
{
    /// <summary>
    /// The index the search sink writes, not yet initialized (nothing here touches a folder or a server).
    /// Throws <see cref="InvalidOperationException"/> listing every bad setting.
    /// </summary>
    public static ISearchIndex Open(SearchIndexOptions options, ILoggerFactory? loggers = null)
    {
        Validate(options);
        loggers ??= NullLoggerFactory.Instance;
        return IsElasticsearch(options)
            ? new ElasticsearchSearchIndex(options, loggers.CreateLogger<ElasticsearchSearchIndex>())
            : new LuceneSearchIndex(options.LucenePath, loggers.CreateLogger<LuceneSearchIndex>());
    }

    /// <summary>
    /// What an edge searches with: for Lucene a reader-only view of the folder (never takes the sink's write lock,
    /// creates nothing), for Elasticsearch the same adapter the sink uses. Dispose it when done.
    /// </summary>
    public static ISearchReader OpenReader(SearchIndexOptions options, ILoggerFactory? loggers = null)
    {
        Validate(options);
        loggers ??= NullLoggerFactory.Instance;
        return IsElasticsearch(options)
            ? new ElasticsearchSearchIndex(options, loggers.CreateLogger<ElasticsearchSearchIndex>())
            : new LuceneSearchReader(options.LucenePath, loggers.CreateLogger<LuceneSearchReader>());
    }

    /// <summary>Where the index lives, without secrets, for logs and the startup line.</summary>
    public static string Describe(ISearchReader index) => index switch
    {
        LuceneSearchIndex lucene => $"lucene index at {lucene.IndexPath}",
        LuceneSearchReader reader => $"lucene index at {reader.IndexPath} (read-only)",
        ElasticsearchSearchIndex elastic => elastic.Location,
        _ => index.GetType().Name,
    };

    private static void Validate(SearchIndexOptions options)
    {
        var result = new SearchIndexOptionsValidator().Validate(null, options);
        if (result.Failed) throw new InvalidOperationException(string.Join(" ", result.Failures));
    }

    private static bool IsElasticsearch(SearchIndexOptions options) =>
        string.Equals(options.Store.Trim(), SearchIndexOptions.ElasticsearchStore, StringComparison.OrdinalIgnoreCase);
}
