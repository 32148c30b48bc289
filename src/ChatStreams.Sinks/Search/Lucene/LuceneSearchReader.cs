using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Directory = System.IO.Directory;
using LuceneDocument = Lucene.Net.Documents.Document;

namespace ChatStreams.Sinks.Search.Lucene;

/// <summary>
/// Searches a Lucene index folder without ever writing to it: the edges' side. It opens the folder with no lock
/// factory at all, so it can never take (or wait for) the write lock the search sink holds, and it runs in any
/// number of processes beside the one writer. Each search first checks for a newer commit (DirectoryReader
/// OpenIfChanged through a SearcherManager), so what the sink committed is found by the next search. Until the sink
/// has created the index, every search finds nothing.
/// </summary>
public sealed class LuceneSearchReader : ISearchReader, IDisposable
{
    private readonly FSDirectory _directory;
    private readonly bool _ownsDirectory;
    private readonly ChatTextAnalyzer _analyzer = new();
    private readonly ILogger _logger;
    private readonly object _open = new();
    private SearcherManager? _searchers;

    /// <summary>A reader-only view of the index folder at <paramref name="path"/>; creates nothing.</summary>
    public LuceneSearchReader(string path, ILogger<LuceneSearchReader>? logger = null)
        : this(FSDirectory.Open(new DirectoryInfo(Path.GetFullPath(path)), NoLockFactory.GetNoLockFactory()), true, logger)
    {
    }

    /// <summary>The writer's own view, on the directory it writes (owned and closed by the writer).</summary>
    internal LuceneSearchReader(FSDirectory directory, bool ownsDirectory, ILogger? logger)
    {
        _directory = directory;
        _ownsDirectory = ownsDirectory;
        _logger = logger ?? NullLogger.Instance;
        IndexPath = directory.Directory.FullName;
    }

    public string IndexPath { get; }

    public Task<SearchResults> SearchAsync(SearchRequest request, CancellationToken ct)
    {
        SearchRequestRules.Validate(request);
        ct.ThrowIfCancellationRequested();
        var scopes = SearchRequestRules.Scopes(request);
        var words = LuceneQuery.Words(request.Query, _analyzer);
        if (scopes.Count == 0 || words is null || Searchers(refresh: true) is not { } searchers) return Task.FromResult(SearchResults.None);

        var searcher = searchers.Acquire();
        try
        {
            var limit = SearchRequestRules.Limit(request);
            var top = searcher.Search(words, LuceneQuery.Readable(scopes), request.Offset + limit);
            var highlighter = new MarkHighlighter(words, _analyzer);
            var hits = top.ScoreDocs.Skip(request.Offset).Select(found =>
            {
                var m = LuceneFields.ReadMessage(searcher.Doc(found.Doc));
                return new SearchHit(m.Key.ConversationId, m.Key.Seq, m.MessageId, m.SenderId, m.SentAt, m.Text, m.FileNames, m.Edited,
                    highlighter.Fragment(m), found.Score);
            }).ToList();
            return Task.FromResult(new SearchResults(hits, top.TotalHits, SearchRequestRules.NextOffset(request, top.TotalHits)));
        }
        finally
        {
            searchers.Release(searcher);
        }
    }

    /// <summary>Makes the latest commit visible before this returns (the writer calls it after each commit).</summary>
    internal void Refresh() => Searchers(refresh: false)?.MaybeRefreshBlocking();

    /// <summary>The watermarks of these conversations in the latest commit.</summary>
    internal IReadOnlyDictionary<string, long> AppliedSeqs(IReadOnlyCollection<string> conversationIds) =>
        Lookup(conversationIds, LuceneFields.WatermarkTerm, (_, doc) => doc.GetField(LuceneFields.AppliedSeq).GetInt64Value() ?? 0);

    /// <summary>The messages among these keys in the latest commit.</summary>
    internal IReadOnlyDictionary<MessageKey, IndexedMessage> Messages(IReadOnlyCollection<MessageKey> keys) =>
        Lookup(keys, LuceneFields.MessageTerm, (_, doc) => LuceneFields.ReadMessage(doc));

    private Dictionary<TKey, TValue> Lookup<TKey, TValue>(IReadOnlyCollection<TKey> keys, Func<TKey, Term> id, Func<TKey, LuceneDocument, TValue> read)
        where TKey : notnull
    {
        var found = new Dictionary<TKey, TValue>();
        if (Searchers(refresh: false) is not { } searchers) return found;
        var searcher = searchers.Acquire();
        try
        {
            foreach (var key in keys)
                if (searcher.Search(new TermQuery(id(key)), 1).ScoreDocs is [var hit])
                    found[key] = read(key, searcher.Doc(hit.Doc));
        }
        finally
        {
            searchers.Release(searcher);
        }
        return found;
    }

    private SearcherManager? Searchers(bool refresh)
    {
        SearcherManager? searchers;
        lock (_open)
        {
            if (_searchers is null && Directory.Exists(IndexPath) && DirectoryReader.IndexExists(_directory))
            {
                _searchers = new SearcherManager(_directory, null);
                _logger.LogDebug("Search index at {Path} opened for reading.", IndexPath);
                return _searchers;
            }
            searchers = _searchers;
        }
        if (refresh) searchers?.MaybeRefresh();
        return searchers;
    }

    public void Dispose()
    {
        lock (_open)
        {
            _searchers?.Dispose();
            _searchers = null;
        }
        _analyzer.Dispose();
        if (_ownsDirectory) _directory.Dispose();
    }
}
