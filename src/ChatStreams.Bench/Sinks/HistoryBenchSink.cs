using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Sinks;
using ChatStreams.Sinks.History;
using ChatStreams.Sinks.History.Sqlite;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Bench.Sinks;

/// <summary>The history sink on the SQLite store `up` uses; a message is visible once the conversation's head reached it.</summary>
public sealed class HistoryBenchSink(string folder, ChatSerdes serdes) : IBenchSink
{
    private readonly SqliteHistoryStore _store = new(Path.Combine(folder, "history.db"));

    public string Name => HistorySinkWriter.SinkName;

    public string Store => "SQLite";

    public async Task RunAsync(KafkaOptions kafka, SinkOptions options, ILoggerFactory loggers, CancellationToken ct)
    {
        await _store.InitializeAsync(ct);
        await new SinkRunner<HistoryRecord>(Name, new HistoryDecoder(serdes), new HistorySinkWriter(_store), kafka, options,
            loggers.CreateLogger("bench.sink.history")).RunAsync(ct);
    }

    public async Task<bool> IsVisibleAsync(string conversationId, long seq, CancellationToken ct) =>
        await _store.HeadAsync(conversationId, ct) >= seq;

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
