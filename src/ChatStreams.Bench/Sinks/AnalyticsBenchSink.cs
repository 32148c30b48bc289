using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Sinks;
using ChatStreams.Sinks.Analytics;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Bench.Sinks;

/// <summary>
/// The analytics sink on DuckDB (the embedded default) or ClickHouse; a message is visible once SQL over the
/// messages table counts it (the query an analyst would run).
/// </summary>
public sealed class AnalyticsBenchSink(AnalyticsStoreOptions options, ChatSerdes serdes, string store, IAsyncDisposable? server = null) : IBenchSink
{
    private readonly IAnalyticsStore _store = AnalyticsStores.Open(options);
    private bool _initialized;

    public string Name => AnalyticsSinkWriter.SinkName;

    public string Store => store;

    public async Task RunAsync(KafkaOptions kafka, SinkOptions sinkOptions, ILoggerFactory loggers, CancellationToken ct)
    {
        if (!_initialized) await _store.InitializeAsync(ct);
        _initialized = true;
        await new SinkRunner<AnalyticsRecord>(Name, new AnalyticsDecoder(serdes), new AnalyticsSinkWriter(_store), kafka, sinkOptions,
            loggers.CreateLogger("bench.sink.analytics")).RunAsync(ct);
    }

    public async Task<bool> IsVisibleAsync(string conversationId, long seq, CancellationToken ct)
    {
        // Conversation ids of the benchmark are [a-z0-9-] only, so the literal needs no escaping.
        var result = await _store.QueryAsync($"SELECT max(seq) FROM messages WHERE conversation_id = '{conversationId}'", ct);
        return result.Rows.Count > 0 && result.Rows[0][0] is { } max && Convert.ToInt64(max, System.Globalization.CultureInfo.InvariantCulture) >= seq;
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        if (server is not null) await server.DisposeAsync();
    }
}
