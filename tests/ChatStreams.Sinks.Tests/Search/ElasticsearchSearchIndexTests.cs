using ChatStreams.Sinks.Search;
using ChatStreams.Sinks.Search.Elasticsearch;
using ChatStreams.TestSupport;

namespace ChatStreams.Sinks.Tests.Search;

/// <summary>
/// The <see cref="SearchIndexContract"/> against a real Elasticsearch (set CHATSTREAMS_ELASTIC_URL), every index
/// with a name of its own, deleted afterwards.
/// </summary>
[NeedsElastic]
public sealed class ElasticsearchSearchIndexTests : SearchIndexContract, IAsyncLifetime
{
    // Created per test, and only when the test is not skipped: xunit constructs no instance for a skipped test.
    private readonly List<(ElasticsearchSearchIndex Index, string Name)> _indexes = [];
    private readonly string _url = Environment.GetEnvironmentVariable(ElasticFactAttribute.UrlVariable)!;

    protected override async Task<ISearchIndex> CreateIndexAsync()
    {
        var name = $"chatstreams-test-{Guid.NewGuid():N}";
        var index = new ElasticsearchSearchIndex(new SearchIndexOptions { Store = SearchIndexOptions.ElasticsearchStore, ElasticUrl = _url, IndexName = name });
        _indexes.Add((index, name));
        await index.InitializeAsync(default);
        return index;
    }

    [ElasticFact]
    public async Task Initializing_again_is_harmless()
    {
        var index = (ElasticsearchSearchIndex)await CreateIndexAsync();
        await index.InitializeAsync(default);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(_url.TrimEnd('/') + "/") };
        foreach (var (index, name) in _indexes)
        {
            index.Dispose();
            (await http.DeleteAsync(name)).Dispose();
            (await http.DeleteAsync(name + "-applied")).Dispose();
        }
    }
}
