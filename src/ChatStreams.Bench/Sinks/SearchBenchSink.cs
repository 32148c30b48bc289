using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Sinks;
using ChatStreams.Sinks.Search;
using ChatStreams.Sinks.Search.Lucene;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Bench.Sinks;

/// <summary>
/// The search sink on the Lucene index `up` uses; a message is visible once a reader-only view of the folder (as an
/// edge opens it) finds its unique word.
/// </summary>
public sealed class SearchBenchSink(string folder, ChatSerdes serdes) : IBenchSink
{
    private readonly string _path = Path.Combine(folder, "search");
    private LuceneSearchIndex? _index;
    private LuceneSearchReader? _reader;

    public string Name => SearchSinkWriter.SinkName;

    public string Store => "Lucene.Net";

    public async Task RunAsync(KafkaOptions kafka, SinkOptions options, ILoggerFactory loggers, CancellationToken ct)
    {
        // One writer per run: the index holds the folder's lock until it is disposed.
        using var index = _index = new LuceneSearchIndex(_path, loggers.CreateLogger<LuceneSearchIndex>());
        await index.InitializeAsync(ct);
        await new SinkRunner<ChatEvent>(Name, new SearchDecoder(serdes), new SearchSinkWriter(index), kafka, options,
            loggers.CreateLogger("bench.sink.search")).RunAsync(ct);
    }

    public async Task<bool> IsVisibleAsync(string conversationId, long seq, CancellationToken ct)
    {
        _reader ??= new LuceneSearchReader(_path);
        var found = await _reader.SearchAsync(new SearchRequest(BenchMessages.Token(conversationId, seq), [SearchScope.Member(conversationId, 1)]) { Limit = 1 }, ct);
        return found.Hits.Count > 0;
    }

    public ValueTask DisposeAsync()
    {
        _reader?.Dispose();
        return ValueTask.CompletedTask;
    }
}
