using ChatStreams.Sinks.Search;
using ChatStreams.Sinks.Search.Elasticsearch;
using ChatStreams.Sinks.Search.Lucene;
using ChatStreams.TestSupport;

namespace ChatStreams.Sinks.Tests.Search;

/// <summary>Search__Store picks the index and bad settings are all named at once; none of this needs a server.</summary>
public sealed class SearchIndexSelectionTests : IDisposable
{
    private readonly TempDirectory _folder = new("search-selection");

    [Fact]
    public void The_default_is_the_lucene_folder_and_edges_get_a_reader_only_view_of_it()
    {
        var options = new SearchIndexOptions { LucenePath = _folder.Sub("index") };

        using var index = Assert.IsType<LuceneSearchIndex>(SearchIndexes.Open(options));
        Assert.Equal($"lucene index at {_folder.Sub("index")}", SearchIndexes.Describe(index));
        using var reader = Assert.IsType<LuceneSearchReader>(SearchIndexes.OpenReader(options));
        Assert.Equal($"lucene index at {_folder.Sub("index")} (read-only)", SearchIndexes.Describe(reader));
        Assert.False(Directory.Exists(_folder.Sub("index"))); // opening touches nothing
        Assert.Equal("data/search", new SearchIndexOptions().LucenePath);
    }

    [Theory]
    [InlineData("elasticsearch")]
    [InlineData(" Elasticsearch ")]
    public void Elasticsearch_opens_the_rest_adapter_without_touching_a_server(string store)
    {
        var options = new SearchIndexOptions
        {
            Store = store, ElasticUrl = "https://es-0.search:9200", ElasticUsername = "sink", ElasticPassword = "hunter2",
        };

        using var index = Assert.IsType<ElasticsearchSearchIndex>(SearchIndexes.Open(options));
        Assert.Equal("elasticsearch index chatstreams-messages at https://es-0.search:9200", SearchIndexes.Describe(index));
        using var reader = Assert.IsType<ElasticsearchSearchIndex>(SearchIndexes.OpenReader(options));
    }

    [Fact]
    public void Every_bad_setting_is_named_with_its_environment_variable()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => SearchIndexes.Open(new SearchIndexOptions
        {
            Store = "elasticsearch", ElasticUrl = "es:9200", IndexName = "Chat Messages", ElasticUsername = "sink",
            ElasticApiKey = "key", ElasticTimeout = TimeSpan.Zero,
        }));
        foreach (var expected in new[]
                 {
                     "Search__ElasticUrl 'es:9200' is not an http:// or https:// URL",
                     "Search__IndexName 'Chat Messages' is not a valid Elasticsearch index name",
                     "Search__ElasticUsername and Search__ElasticPassword go together",
                     "Set either Search__ElasticApiKey or Search__ElasticUsername/Search__ElasticPassword, not both.",
                     "Search__ElasticTimeout is 00:00:00",
                 })
            Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("solr", "Search__Store 'solr' is unknown; use 'lucene'")]
    [InlineData("lucene", "Search__LucenePath must name the folder")]
    [InlineData("elasticsearch", "Search__ElasticUrl is required when Search__Store is 'elasticsearch'")]
    public void A_store_without_what_it_needs_is_refused(string store, string expected)
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            SearchIndexes.OpenReader(new SearchIndexOptions { Store = store, LucenePath = " ", ElasticUrl = null }));
        Assert.StartsWith(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_url_with_credentials_in_it_is_refused()
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            SearchIndexes.Open(new SearchIndexOptions { Store = "elasticsearch", ElasticUrl = "http://sink:hunter2@es:9200" }));
        Assert.Contains("must not carry credentials", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
