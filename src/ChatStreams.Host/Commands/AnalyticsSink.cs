using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Sinks;
using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.Analytics.Query;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Host.Commands;

/// <summary>
/// `chatstreams sink analytics`: lands chat.events, every delivery.&lt;edge&gt; topic, chat.receipts and chat.presence
/// in the analytics store (Analytics__Store: duckdb at Analytics__DuckDbPath, default data/analytics.duckdb, or
/// clickhouse at Analytics__ClickHouseUrl) as consumer group chatstreams-sink-analytics. On DuckDB it also serves the
/// read-only query endpoint chatctl uses while the sink holds the file (Analytics__QueryPort, 0 = a free port; the
/// URL is written to &lt;DuckDbPath&gt;.query-url).
/// </summary>
internal static class AnalyticsSink
{
    public static async Task<int> RunAsync(IConfiguration configuration, ILoggerFactory loggers, Observability.ProcessReadiness readiness, CancellationToken ct)
    {
        var logger = loggers.CreateLogger("ChatStreams.Host");
        try
        {
            var kafka = HostConfiguration.Bind<KafkaOptions>(configuration, KafkaOptions.Section);
            var sinks = HostConfiguration.BindSink(configuration, AnalyticsSinkWriter.SinkName, AnalyticsSinkWriter.DefaultOptions());
            var analytics = HostConfiguration.Bind<AnalyticsStoreOptions>(configuration, AnalyticsStoreOptions.Section);
            var registry = HostConfiguration.Bind<SchemaRegistryClientOptions>(configuration, SchemaRegistryClientOptions.SectionName);
            await using var store = AnalyticsStores.Open(analytics, loggers);
            using var registryClient = registry.CreateClient();
            await store.InitializeAsync(ct);
            await using var endpoint = !analytics.IsClickHouse && analytics.QueryPort >= 0
                ? AnalyticsQueryEndpoint.Start(store, analytics.QueryPort, AnalyticsQueryEndpoint.UrlFile(analytics.DuckDbPath), loggers.CreateLogger<AnalyticsQueryEndpoint>())
                : null;
            var runner = new SinkRunner<AnalyticsRecord>(AnalyticsSinkWriter.SinkName, new AnalyticsDecoder(new ChatSerdes(registryClient, registry)),
                new AnalyticsSinkWriter(store), kafka, sinks, loggers.CreateLogger("ChatStreams.Sinks.Analytics"));
            Console.Out.WriteLine($"sink analytics running: {store.Location}" + (endpoint is null ? "" : $", queries at {endpoint.Url}"));
            Console.Out.Flush();
            readiness.MarkReady(() => runner.Problem);
            await runner.RunAsync(ct);
            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Confluent.Kafka.KafkaException or IOException or TimeoutException
                                    or AnalyticsQueryException or Sinks.Analytics.ClickHouse.ClickHouseException or DuckDB.NET.Data.DuckDBException)
        {
            logger.LogCritical("sink analytics could not run: {Reason}", e.Message);
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
