using Lucene.Net.Index;
using Lucene.Net.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using chatstreams.v1;

namespace ChatStreams.Sinks.Search.Lucene;

/// <summary>
/// The embedded search index: a Lucene index in one folder, written by the search sink and read by the edges of the
/// machine (<see cref="LuceneSearchReader"/>). Each batch ends with IndexWriter.Commit, which fsyncs the new segments
/// and the watermarks together, so a kill -9 after <see cref="ApplyAsync"/> returns loses nothing and a kill before it
/// leaves the previous commit, from which the replayed batch is applied again. An OS lock on the folder's
/// <see cref="WriterGuard"/> file (released when the process dies) keeps a second writer out.
/// </summary>
public sealed class LuceneSearchIndex : ISearchIndex, IIndexedState, IDisposable
{
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ChatTextAnalyzer _analyzer = new();
    private FSDirectory? _directory;
    private LuceneSearchReader? _reader;
    private IndexWriter? _writer;
    private WriterGuard? _guard;

    public LuceneSearchIndex(string path, ILogger<LuceneSearchIndex>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        IndexPath = Path.GetFullPath(path);
        _logger = logger ?? NullLogger<LuceneSearchIndex>.Instance;
    }

    public string IndexPath { get; }

    public async Task InitializeAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            OpenLocked();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task ApplyAsync(IReadOnlyList<ChatEvent> events, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var writer = OpenLocked();
            var changes = await IndexChanges.FoldAsync(events, this, _logger, ct);
            if (changes.IsEmpty) return;
            try
            {
                foreach (var (key, message) in changes.Messages)
                    if (message is null) writer.DeleteDocuments(LuceneFields.MessageTerm(key));
                    // A message first sent in this batch has no document: the last commit holds exactly what its
                    // watermark covers. Adding it spares a delete term that every commit would look up in every segment.
                    else if (changes.FirstSent.Contains(key)) writer.AddDocument(LuceneFields.Message(message));
                    else writer.UpdateDocument(LuceneFields.MessageTerm(key), LuceneFields.Message(message));
                foreach (var (conversationId, seq) in changes.AppliedSeqs)
                    writer.UpdateDocument(LuceneFields.WatermarkTerm(conversationId), LuceneFields.Watermark(conversationId, seq));
                writer.Commit();
            }
            catch
            {
                // Nothing of a failed batch may linger in the writer's buffer and ride along with a later commit:
                // roll back to the last commit (this closes the writer) and open a new one for the retry.
                _writer = null;
                try { writer.Rollback(); }
                catch (Exception rollback) { _logger.LogWarning(rollback, "Rolling back the search index at {Path} failed.", IndexPath); }
                throw;
            }
            _reader!.Refresh();
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<SearchResults> SearchAsync(SearchRequest request, CancellationToken ct)
    {
        if (_reader is null) await InitializeAsync(ct);
        return await _reader!.SearchAsync(request, ct);
    }

    Task<IReadOnlyDictionary<string, long>> IIndexedState.AppliedSeqsAsync(IReadOnlyCollection<string> conversationIds, CancellationToken ct) =>
        Task.FromResult(_reader!.AppliedSeqs(conversationIds));

    Task<IReadOnlyDictionary<MessageKey, IndexedMessage>> IIndexedState.MessagesAsync(IReadOnlyCollection<MessageKey> keys, CancellationToken ct) =>
        Task.FromResult(_reader!.Messages(keys));

    /// <summary>Opens folder, writer and reader as needed (under the gate); the first open commits an empty index so readers can open it.</summary>
    private IndexWriter OpenLocked()
    {
        if (_writer is { } open) return open;
        System.IO.Directory.CreateDirectory(IndexPath);
        _guard ??= WriterGuard.Take(IndexPath);
        _directory ??= FSDirectory.Open(new DirectoryInfo(IndexPath));
        try
        {
            _writer = new IndexWriter(_directory, new IndexWriterConfig(ChatTextAnalyzer.Version, _analyzer)
            {
                OpenMode = OpenMode.CREATE_OR_APPEND,
                // Keep each segment's reader open between commits: without the pool, every commit opened (and closed
                // again) a reader per segment to apply the batch's deletes: 11 % of the sink's CPU (docs/benchmarks.md).
                UseReaderPooling = true,
            });
        }
        catch (LockObtainFailedException e)
        {
            throw new InvalidOperationException(
                $"The search index at {IndexPath} is being written by another process (its write lock is held): run one search sink per " +
                $"index folder, and open the index from edges with {nameof(LuceneSearchReader)}, which never takes the lock. ({e.Message})", e);
        }
        if (!DirectoryReader.IndexExists(_directory)) _writer.Commit();
        if (_reader is null)
        {
            _reader = new LuceneSearchReader(_directory, ownsDirectory: false, _logger);
            _logger.LogInformation("Search index ready at {Path} (Lucene).", IndexPath);
        }
        return _writer;
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _reader?.Dispose();
        _directory?.Dispose();
        _guard?.Dispose();
        _analyzer.Dispose();
        _gate.Dispose();
    }
}
