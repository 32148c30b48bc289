using System.Diagnostics;
using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Kafka.Broker;
using ChatStreams.Kafka.Broker.Server;
using ChatStreams.SchemaRegistry;
using ChatStreams.Sinks;
using chatstreams.v1;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Bench.Sinks;

/// <summary>
/// The sinks on the embedded broker. Throughput: chat.events is preloaded with the settings' messages, then each sink
/// alone lands them from a standing start on a fresh store, timed until its group's commits reach the topic's end
/// (<see cref="SinkProgress"/>: the store holds everything). Freshness: all sinks run at once from there while
/// messages are written at a fixed rate in transactions of about 30 ms (as the conversation topology commits), and a
/// watcher per store times each message from its commit to a reader seeing it.
/// </summary>
public sealed class SinksBenchmark(SinksBenchSettings settings, ILoggerFactory loggers, TextWriter progress)
{
    private static readonly TimeSpan CommitEvery = TimeSpan.FromMilliseconds(30);

    public async Task<SinksBenchResult> RunAsync(IReadOnlyList<Func<string, ChatSerdes, Task<IBenchSink>>> sinkFactories, string? skipped)
    {
        var folder = Path.Combine(settings.DataParent, $"chatstreams-bench-sinks-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            await using var broker = await KafkaBroker.StartAsync(new BrokerOptions
            {
                Host = "127.0.0.1", Port = 0, DataDirectory = Path.Combine(folder, "broker"), GroupInitialRebalanceDelayMs = 0,
            }, loggers);
            await using var registry = await SchemaRegistryServer.StartAsync(new SchemaRegistryOptions { Host = "127.0.0.1", Port = 0 }, loggers);
            await SchemaFolder.RegisterAllAsync(registry, settings.SchemasFolder);
            var registryOptions = new SchemaRegistryClientOptions { Url = registry.Url };
            using var registryClient = registryOptions.CreateClient();
            var serdes = new ChatSerdes(registryClient, registryOptions);
            var kafka = new KafkaOptions { BootstrapServers = broker.BootstrapServers, ClientIdPrefix = "chatstreams-bench" };
            await CreateTopicsAsync(kafka);

            var sinks = new List<IBenchSink>();
            try
            {
                foreach (var (factory, i) in sinkFactories.Select((f, i) => (f, i)))
                {
                    var sinkFolder = Path.Combine(folder, $"store-{i}");
                    Directory.CreateDirectory(sinkFolder);
                    sinks.Add(await factory(sinkFolder, serdes));
                }
                // A group of its own per sink and store (two analytics stores would otherwise share one group and split the partitions).
                var run = Guid.NewGuid().ToString("N");
                var options = sinks.Select((_, i) => new SinkOptions { BatchLinger = TimeSpan.FromMilliseconds(settings.LingerMs), GroupIdPrefix = $"bench-{run}-{i}-" }).ToList();
                using var writer = new ChatEventsWriter(kafka, serdes);
                var records = await PreloadAsync(writer);
                var throughput = new List<(double Seconds, long Records)>();
                for (var i = 0; i < sinks.Count; i++) throughput.Add((await LandAllAsync(sinks[i], kafka, options[i]), records));
                var (freshness, written) = await FreshnessAsync(sinks, writer, kafka, options);
                return new SinksBenchResult(
                    sinks.Select((s, i) => new SinkBenchResult(s.Name, s.Store, throughput[i].Records, throughput[i].Seconds, freshness[i])).ToList(),
                    written, settings.Rate, skipped);
            }
            finally
            {
                foreach (var sink in sinks) await sink.DisposeAsync();
            }
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private async Task CreateTopicsAsync(KafkaOptions kafka)
    {
        var topics = new TopicSettings();
        foreach (var topic in new[] { topics.Commands, topics.Events, topics.Sessions, topics.Receipts, topics.Presence, topics.Notifications })
            topic.Partitions = settings.Partitions;
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka, "bench-admin")).Build();
        await TopicProvisioner.CreateAsync(admin, topics.FixedSpecs().ToList());
    }

    private async Task<long> PreloadAsync(ChatEventsWriter writer)
    {
        var messages = new BenchMessages("t", settings.Conversations, settings.BodyLength);
        var batch = messages.Creations().ToList();
        long records = batch.Count;
        await writer.WriteAsync(batch);
        progress.WriteLine($"preloading {settings.Messages:N0} messages in {settings.Conversations:N0} conversations into chat.events ...");
        for (var written = 0; written < settings.Messages;)
        {
            batch = Enumerable.Range(0, Math.Min(2_000, settings.Messages - written)).Select(_ => messages.NextMessage()).ToList();
            await writer.WriteAsync(batch);
            written += batch.Count;
            records += batch.Count;
        }
        return records;
    }

    /// <summary>Runs the sink alone from a standing start until its store holds all of chat.events; the seconds that took.</summary>
    private async Task<double> LandAllAsync(IBenchSink sink, KafkaOptions kafka, SinkOptions options)
    {
        progress.WriteLine($"throughput: {sink.Name} on {sink.Store} ...");
        using var progressProbe = new SinkProgress(kafka, options, sink.Name, Topics.ChatEvents, "bench-progress", loggers.CreateLogger("bench.progress"));
        using var stop = new CancellationTokenSource();
        var started = Stopwatch.GetTimestamp();
        var running = sink.RunAsync(kafka, options, loggers, stop.Token);
        while (!await progressProbe.WaitAsync(TimeSpan.FromSeconds(5), default))
        {
            if (running.IsCompleted) await running; // a sink that stopped by itself: its failure is the result
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(15)) throw new TimeoutException($"{sink.Name} did not land the preload within 15 minutes");
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await stop.CancelAsync();
        await running;
        progress.WriteLine($"  {seconds:0.0} s");
        return seconds;
    }

    private async Task<(IReadOnlyList<double>[] Samples, int Written)> FreshnessAsync(List<IBenchSink> sinks, ChatEventsWriter writer, KafkaOptions kafka, List<SinkOptions> options)
    {
        progress.WriteLine($"freshness: {settings.Rate:0.#} messages/s for {settings.FreshnessSeconds} s, every sink at once ...");
        var messages = new BenchMessages("f", settings.FreshnessConversations, settings.BodyLength);
        await writer.WriteAsync(messages.Creations().ToList());
        using var stop = new CancellationTokenSource();
        var watches = sinks.Select(s => new FreshnessWatch(s)).ToList();
        var running = sinks.Select((s, i) => s.RunAsync(kafka, options[i], loggers, stop.Token)).ToList();
        var watching = watches.Select(w => w.RunAsync(stop.Token)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(2)); // the groups join before the clock starts

        var started = Stopwatch.GetTimestamp();
        var written = 0;
        var duration = TimeSpan.FromSeconds(settings.FreshnessSeconds);
        while (Stopwatch.GetElapsedTime(started) < duration)
        {
            var due = (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * settings.Rate) + 1;
            var batch = new List<ChatEvent>();
            while (written + batch.Count < due) batch.Add(messages.NextMessage());
            if (batch.Count > 0)
            {
                var committedAt = await writer.WriteAsync(batch);
                foreach (var e in batch)
                    foreach (var watch in watches) watch.Written(e.ConversationId, e.Seq, committedAt);
                written += batch.Count;
            }
            await Task.Delay(CommitEvery);
        }
        var drain = Stopwatch.GetTimestamp();
        while (watches.Any(w => w.Pending > 0) && Stopwatch.GetElapsedTime(drain) < TimeSpan.FromSeconds(60)) await Task.Delay(20);
        await stop.CancelAsync();
        await Task.WhenAll(running.Concat(watching));
        foreach (var (watch, sink) in watches.Zip(sinks))
            if (watch.Pending > 0) throw new InvalidOperationException($"{sink.Name} on {sink.Store} never showed {watch.Pending} of the messages");
        return (watches.Select(w => w.Samples).ToArray(), written);
    }
}
