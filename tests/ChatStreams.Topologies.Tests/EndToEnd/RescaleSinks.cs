using ChatStreams.Contracts;
using ChatStreams.Sinks;
using ChatStreams.Sinks.History;
using ChatStreams.Sinks.Search;
using chatstreams.v1;
using Confluent.SchemaRegistry;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Topologies.Tests.EndToEnd;

/// <summary>
/// The history sink (SQLite) and the search sink (Lucene), run in-process with their real <see cref="SinkRunner{T}"/>
/// and consumer groups while a partition rescale happens, and what they hold afterwards.
/// </summary>
public sealed class RescaleSinks : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly IHistoryStore _history;
    private readonly ISearchIndex _search;
    private readonly string _historyPath;
    private readonly List<Task> _running = [];

    private RescaleSinks(IHistoryStore history, ISearchIndex search, string historyPath)
    {
        _history = history;
        _search = search;
        _historyPath = historyPath;
    }

    public static async Task<RescaleSinks> StartAsync(EmbeddedKafka kafka, ISchemaRegistryClient registry, string registryUrl, string directory, ILoggerFactory loggers)
    {
        var historyPath = Path.Combine(directory, "history.db");
        var history = HistoryStores.Open(new HistoryStoreOptions { SqlitePath = historyPath }, loggers);
        var search = SearchIndexes.Open(new SearchIndexOptions { LucenePath = Path.Combine(directory, "search") }, loggers);
        await history.InitializeAsync(CancellationToken.None);
        await search.InitializeAsync(CancellationToken.None);
        var sinks = new RescaleSinks(history, search, historyPath);
        var serdes = new ChatSerdes(registry, new SchemaRegistryClientOptions { Url = registryUrl });
        var options = new SinkOptions { BatchLinger = TimeSpan.FromMilliseconds(100), ProgressInterval = TimeSpan.FromSeconds(30) };
        sinks._running.Add(new SinkRunner<HistoryRecord>(HistorySinkWriter.SinkName, new HistoryDecoder(serdes), new HistorySinkWriter(history),
            kafka.Options, options, loggers.CreateLogger("sink.history")).RunAsync(sinks._stop.Token));
        sinks._running.Add(new SinkRunner<ChatEvent>(SearchSinkWriter.SinkName, new SearchDecoder(serdes), new SearchSinkWriter(search),
            kafka.Options, options, loggers.CreateLogger("sink.search")).RunAsync(sinks._stop.Token));
        return sinks;
    }

    /// <summary>Per conversation, the seqs of the events the history store holds.</summary>
    public Dictionary<string, List<long>> HistorySeqs()
    {
        using var connection = new SqliteConnection($"Data Source={_historyPath};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT conversation_id, seq FROM events ORDER BY conversation_id, seq";
        using var reader = command.ExecuteReader();
        var seqs = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        while (reader.Read())
        {
            var conversation = reader.GetString(0);
            if (!seqs.TryGetValue(conversation, out var list)) seqs[conversation] = list = [];
            list.Add(reader.GetInt64(1));
        }
        return seqs;
    }

    /// <summary>How many messages of a conversation the search index finds (every scenario message contains "message").</summary>
    public async Task<long> SearchHitsAsync(string conversationId) =>
        (await _search.SearchAsync(new SearchRequest("message", [SearchScope.Member(conversationId, 1)]) { ConversationId = conversationId }, default)).TotalHits;

    public bool Faulted => _running.Any(t => t.IsFaulted);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await Task.WhenAll(_running); }
        catch (OperationCanceledException) { }
        (_history as IDisposable)?.Dispose();
        (_search as IDisposable)?.Dispose();
        _stop.Dispose();
    }
}
