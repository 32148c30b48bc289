using System.CommandLine;
using ChatStreams.Contracts;
using ChatStreams.Host.Observability;
using ChatStreams.Kafka;
using ChatStreams.Sinks;
using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.History;
using ChatStreams.Sinks.Search;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Host.Commands;

/// <summary>
/// `chatstreams sink history`: lands chat.events and chat.receipts in the history store (History__Store: sqlite at
/// History__SqlitePath, default data/history.db, or mongo at History__MongoUrl) as consumer group
/// chatstreams-sink-history, batching per Sinks__BatchSize / Sinks__BatchLinger.
/// Offsets are committed only after a batch is durably written, so a crashed sink resumes where its store is.
/// </summary>
internal static class SinkCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The sink to run: history, search, analytics" };
        var verbose = new Option<bool>("--verbose") { Description = "Debug logging" };
        var command = new Command("sink", "Run a sink that lands Kafka topics in a store (history, search, analytics)") { name, verbose };
        command.SetAction(async (parse, ct) =>
        {
            using var loggers = HostLogging.Create(parse.GetValue(verbose));
            var logger = loggers.CreateLogger("ChatStreams.Host");
            var configuration = HostConfiguration.Build();
            var sink = parse.GetValue(name);
            var readiness = new ProcessReadiness("the sink is opening its store");
            ProcessObservability observability;
            try
            {
                observability = await ProcessObservability.StartAsync(configuration, $"sink-{sink}", () => readiness.NotReadyReason);
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            await using var _ = observability;
            if (sink == SearchSinkWriter.SinkName) return await SearchSinkCommand.RunAsync(configuration, loggers, logger, readiness, ct);
            if (sink == AnalyticsSinkWriter.SinkName) return await AnalyticsSink.RunAsync(configuration, loggers, readiness, ct);
            if (sink != HistorySinkWriter.SinkName)
            {
                Console.Error.WriteLine($"error: unknown sink '{sink}'; the sinks are: {HistorySinkWriter.SinkName}, {SearchSinkWriter.SinkName}, {AnalyticsSinkWriter.SinkName}");
                return 2;
            }
            try
            {
                var kafka = HostConfiguration.Bind<KafkaOptions>(configuration, KafkaOptions.Section);
                var sinks = HostConfiguration.BindSink(configuration, HistorySinkWriter.SinkName);
                var history = HostConfiguration.Bind<HistoryStoreOptions>(configuration, HistoryStoreOptions.Section);
                var registry = HostConfiguration.Bind<SchemaRegistryClientOptions>(configuration, SchemaRegistryClientOptions.SectionName);
                var store = HistoryStores.Open(history, loggers);
                using var client = store as IDisposable; // the MongoDB store owns a client and its connection pool
                using var registryClient = registry.CreateClient();
                await store.InitializeAsync(ct);
                var runner = new SinkRunner<HistoryRecord>(HistorySinkWriter.SinkName, new HistoryDecoder(new ChatSerdes(registryClient, registry)),
                    new HistorySinkWriter(store), kafka, sinks, loggers.CreateLogger("ChatStreams.Sinks.History"));
                Console.Out.WriteLine($"sink history running: {HistoryStores.Describe(store)}");
                Console.Out.Flush();
                readiness.MarkReady(() => runner.Problem);
                await runner.RunAsync(ct);
                return 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or Confluent.Kafka.KafkaException or Microsoft.Data.Sqlite.SqliteException or IOException
                                        or MongoDB.Driver.MongoException or TimeoutException)
            {
                logger.LogCritical("sink {Sink} could not run: {Reason}", sink, e.Message);
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
