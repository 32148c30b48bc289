using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Sinks;
using ChatStreams.Sinks.Search;
using ChatStreams.Sinks.Search.Elasticsearch;
using chatstreams.v1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Host.Commands;

/// <summary>
/// `chatstreams sink search`: lands the messages of chat.events in the search index (Search__Store: lucene at
/// Search__LucenePath, default data/search, or elasticsearch at Search__ElasticUrl) as consumer group
/// chatstreams-sink-search. Offsets are committed only after a batch is durably indexed, so a crashed sink resumes
/// where its index is.
/// </summary>
internal static class SearchSinkCommand
{
    public static async Task<int> RunAsync(IConfiguration configuration, ILoggerFactory loggers, ILogger logger, Observability.ProcessReadiness readiness, CancellationToken ct)
    {
        try
        {
            var kafka = HostConfiguration.Bind<KafkaOptions>(configuration, KafkaOptions.Section);
            var sinks = HostConfiguration.BindSink(configuration, SearchSinkWriter.SinkName);
            var search = HostConfiguration.Bind<SearchIndexOptions>(configuration, SearchIndexOptions.Section);
            var registry = HostConfiguration.Bind<SchemaRegistryClientOptions>(configuration, SchemaRegistryClientOptions.SectionName);
            var index = SearchIndexes.Open(search, loggers);
            using var owned = index as IDisposable; // the Lucene writer holds the folder's lock, the Elasticsearch adapter an HttpClient
            using var registryClient = registry.CreateClient();
            await index.InitializeAsync(ct);
            var runner = new SinkRunner<ChatEvent>(SearchSinkWriter.SinkName, new SearchDecoder(new ChatSerdes(registryClient, registry)),
                new SearchSinkWriter(index), kafka, sinks, loggers.CreateLogger("ChatStreams.Sinks.Search"));
            Console.Out.WriteLine($"sink search running: {SearchIndexes.Describe(index)}");
            Console.Out.Flush();
            readiness.MarkReady(() => runner.Problem);
            await runner.RunAsync(ct);
            return 0;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Confluent.Kafka.KafkaException or IOException
                                    or ElasticsearchException or UnauthorizedAccessException)
        {
            logger.LogCritical("sink search could not run: {Reason}", e.Message);
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
