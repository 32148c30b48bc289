namespace ChatStreams.Sinks.Search;

/// <summary>
/// Where the search index lives (section "Search"; env Search__Store, Search__LucenePath, Search__ElasticUrl, ...).
/// </summary>
public sealed class SearchIndexOptions
{
    public const string Section = "Search";

    public const string LuceneStore = "lucene";
    public const string ElasticsearchStore = "elasticsearch";

    /// <summary>"lucene" (an index folder on this machine, the default) or "elasticsearch" (a cluster every machine shares).</summary>
    public string Store { get; set; } = LuceneStore;

    /// <summary>The Lucene index folder (created when missing); the sink writes it, the machine's edges read it.</summary>
    public string LucenePath { get; set; } = "data/search";

    /// <summary>Elasticsearch's HTTP(S) endpoint when Store is "elasticsearch", e.g. http://elasticsearch:9200.</summary>
    public string? ElasticUrl { get; set; }

    /// <summary>The messages index; the per-conversation watermarks go in "&lt;IndexName&gt;-applied".</summary>
    public string IndexName { get; set; } = "chatstreams-messages";

    /// <summary>Basic authentication (with <see cref="ElasticPassword"/>); leave empty for none or when using an API key.</summary>
    public string? ElasticUsername { get; set; }

    public string? ElasticPassword { get; set; }

    /// <summary>An API key (the base64 "id:key" Elasticsearch returns as "encoded"), sent as "Authorization: ApiKey ...".</summary>
    public string? ElasticApiKey { get; set; }

    /// <summary>How long one request to Elasticsearch may take before it counts as failed (and the batch is retried).</summary>
    public TimeSpan ElasticTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
