using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using chatstreams.v1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ChatStreams.Sinks.Search.Lucene;

namespace ChatStreams.Sinks.Search.Elasticsearch;

/// <summary>
/// The search index in Elasticsearch, over its REST API with HttpClient (no client library can be installed here).
/// Messages go to <c>IndexName</c> (id "conversationId/seq"), the per-conversation watermarks to
/// <c>IndexName-applied</c>. A batch is written as one _bulk of the messages' final states (refresh=wait_for, so it is
/// searchable when <see cref="ApplyAsync"/> returns), and only after every item succeeded a second _bulk moves the
/// watermarks; Elasticsearch acknowledges a write after its translog is fsynced (the default durability "request").
/// A replay after a failure between the two redoes the batch from the old watermark, which converges (see
/// <see cref="IndexChanges"/>). Any failed item fails the whole write, so the runner retries it.
/// </summary>
public sealed class ElasticsearchSearchIndex : ISearchIndex, IIndexedState, IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;
    private readonly string _messages;
    private readonly string _watermarks;
    private readonly ChatTextAnalyzer _analyzer = new(); // splits query text into words exactly as the index's analyzer does

    public ElasticsearchSearchIndex(SearchIndexOptions options, ILogger<ElasticsearchSearchIndex>? logger = null)
        : this(options, new HttpClient(), ownsHttp: true, logger)
    {
    }

    /// <summary>Over a given HttpClient (its handler decides how requests travel); the base address and auth come from the options.</summary>
    public ElasticsearchSearchIndex(SearchIndexOptions options, HttpClient http, ILogger<ElasticsearchSearchIndex>? logger = null)
        : this(options, http, ownsHttp: false, logger)
    {
    }

    private ElasticsearchSearchIndex(SearchIndexOptions options, HttpClient http, bool ownsHttp, ILogger? logger)
    {
        var url = options.ElasticUrl ?? throw new ArgumentException("Search:ElasticUrl is required for the Elasticsearch index.", nameof(options));
        _http = http;
        _ownsHttp = ownsHttp;
        _logger = logger ?? NullLogger.Instance;
        _http.BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/");
        _http.Timeout = options.ElasticTimeout;
        if (!string.IsNullOrEmpty(options.ElasticApiKey))
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", options.ElasticApiKey);
        else if (!string.IsNullOrEmpty(options.ElasticUsername))
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.ElasticUsername}:{options.ElasticPassword}")));
        _messages = options.IndexName;
        _watermarks = options.IndexName + "-applied";
        Location = $"elasticsearch index {_messages} at {_http.BaseAddress.GetLeftPart(UriPartial.Authority)}";
    }

    /// <summary>Where the index is, without credentials.</summary>
    public string Location { get; }

    public async Task InitializeAsync(CancellationToken ct)
    {
        await CreateIndexAsync(_messages, ElasticsearchBodies.MessagesIndex(), ct);
        await CreateIndexAsync(_watermarks, ElasticsearchBodies.WatermarksIndex(), ct);
        _logger.LogInformation("Search index ready: {Location}.", Location);
    }

    public async Task ApplyAsync(IReadOnlyList<ChatEvent> events, CancellationToken ct)
    {
        var changes = await IndexChanges.FoldAsync(events, this, _logger, ct);
        if (changes.Messages.Count > 0)
            await BulkAsync(ElasticsearchBodies.MessagesBulk(_messages, changes.Messages), refresh: true, tolerated: null, ct);
        if (changes.AppliedSeqs.Count > 0)
            await BulkAsync(ElasticsearchBodies.WatermarksBulk(_watermarks, changes.AppliedSeqs), refresh: false,
                // A watermark already at or past this seq (written by this batch's earlier attempt, or another instance) is what we want.
                tolerated: (status, type) => status == (int)HttpStatusCode.Conflict && type == "version_conflict_engine_exception", ct);
    }

    public async Task<SearchResults> SearchAsync(SearchRequest request, CancellationToken ct)
    {
        SearchRequestRules.Validate(request);
        var scopes = SearchRequestRules.Scopes(request);
        var words = _analyzer.Terms(request.Query);
        if (scopes.Count == 0 || words.Count == 0) return SearchResults.None;
        using var answer = await SendAsync(HttpMethod.Post, $"{_messages}/_search", Json(ElasticsearchBodies.Search(request, words, scopes)), ct);
        var (hits, total) = ElasticsearchAnswers.Hits(answer.RootElement);
        return new SearchResults(hits, total, SearchRequestRules.NextOffset(request, total));
    }

    async Task<IReadOnlyDictionary<string, long>> IIndexedState.AppliedSeqsAsync(IReadOnlyCollection<string> conversationIds, CancellationToken ct)
    {
        using var answer = await SendAsync(HttpMethod.Post, $"{_watermarks}/_mget", Json(ElasticsearchBodies.Ids(conversationIds)), ct);
        return ElasticsearchAnswers.Found(answer.RootElement)
            .ToDictionary(d => d.Key, d => d.Value.GetProperty(ElasticsearchBodies.Fields.AppliedSeq).GetInt64(), StringComparer.Ordinal);
    }

    async Task<IReadOnlyDictionary<MessageKey, IndexedMessage>> IIndexedState.MessagesAsync(IReadOnlyCollection<MessageKey> keys, CancellationToken ct)
    {
        using var answer = await SendAsync(HttpMethod.Post, $"{_messages}/_mget", Json(ElasticsearchBodies.Ids(keys.Select(k => k.DocumentId))), ct);
        return ElasticsearchAnswers.Found(answer.RootElement).Values.Select(ElasticsearchAnswers.Message).ToDictionary(m => m.Key);
    }

    private async Task CreateIndexAsync(string index, JsonObject body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Uri.EscapeDataString(index)) { Content = Json(body) };
        using var response = await _http.SendAsync(request, ct);
        if (response.IsSuccessStatusCode) return;
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode == HttpStatusCode.BadRequest && ElasticsearchAnswers.ErrorType(text) == "resource_already_exists_exception") return;
        throw new ElasticsearchException(
            $"Elasticsearch refused to create index {index} ({(int)response.StatusCode}): {ElasticsearchAnswers.ErrorReason(text)}. " +
            "Check Search__ElasticUrl, the credentials' right to create indexes, and Search__IndexName.", response.StatusCode);
    }

    private async Task BulkAsync(string ndjson, bool refresh, Func<int, string?, bool>? tolerated, CancellationToken ct)
    {
        var content = new StringContent(ndjson, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var answer = await SendAsync(HttpMethod.Post, refresh ? "_bulk?refresh=wait_for" : "_bulk", content, ct);
        var failures = ElasticsearchAnswers.BulkFailures(answer.RootElement, tolerated);
        if (failures.Count > 0)
            throw new ElasticsearchException(
                $"Elasticsearch rejected {failures.Count} item(s) of a bulk write; the batch is written again. First: {string.Join("; ", failures.Take(3))}");
    }

    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, HttpContent content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new ElasticsearchException($"Elasticsearch at {_http.BaseAddress} could not be reached for {method} /{path}: {e.Message}", null, e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new ElasticsearchException($"Elasticsearch did not answer {method} /{path} within {_http.Timeout.TotalSeconds:0} s (Search__ElasticTimeout).", null, e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new ElasticsearchException(
                    $"Elasticsearch answered {(int)response.StatusCode} to {method} /{path}: {ElasticsearchAnswers.ErrorReason(text)}", response.StatusCode);
            try
            {
                return JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw new ElasticsearchException($"Elasticsearch's answer to {method} /{path} is not JSON: {e.Message}", response.StatusCode, e);
            }
        }
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
        _analyzer.Dispose();
    }
}
