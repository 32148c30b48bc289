using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using ChatStreams.Bench.BrokerBench;
using ChatStreams.Streams;
using ChatStreams.Streams.Metrics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Bench.Streams;

/// <summary>
/// Runs the streams benchmark on the embedded broker (in this process, on disk): the pass-through and count
/// topologies under exactly-once next to a hand-written consume→produce loop over the same input, alternating run
/// by run, then the restore of a large store from its changelog.
/// </summary>
public sealed class StreamsBenchmark(StreamsBenchSettings settings, ILoggerFactory loggers, TextWriter progress)
{
    private const string Input = "bench-input";
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(10);
    private readonly List<string> _stateDirectories = [];

    public async Task<StreamsBenchResult> RunAsync()
    {
        await using var broker = await EmbeddedBrokerTarget.StartAsync("embedded broker", settings.DataParent, loggers);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        try
        {
            await broker.CreateTopicAsync(Input, settings.Partitions);
            progress.WriteLine($"producing {settings.Records:N0} input records ({settings.Keys:N0} keys, {settings.ValueSize}-byte values) …");
            Produce(broker.BootstrapServers, Input, settings.Records, i => Encoding.UTF8.GetBytes($"k{i % settings.Keys}"),
                _ => Encoding.ASCII.GetBytes(new string('x', settings.ValueSize)));

            var pipelines = new Pipeline[]
            {
                new("stateless pass-through", "copy loop", (i, o) => BenchTopologies.PassThrough(i, o), false),
                new("stateful count, in-memory store", "count loop (Dictionary + changelog writes)", (i, o) => BenchTopologies.Count(i, o, false), true),
                new("stateful count, RocksDB store", "count loop (Dictionary + changelog writes)", (i, o) => BenchTopologies.Count(i, o, true), true),
            };
            var results = pipelines.ToDictionary(p => p, _ => (Streams: new List<PipelineRun>(), Loop: new List<PipelineRun>()));
            var run = 0;
            for (var round = 0; round < settings.WarmupRuns + settings.Runs; round++)
            {
                var measured = round >= settings.WarmupRuns;
                foreach (var pipeline in pipelines)
                {
                    run++;
                    // Alternate which goes first, so neither always runs on a warmer (or more fragmented) broker.
                    var streamsFirst = round % 2 == 0;
                    for (var i = 0; i < 2; i++)
                    {
                        var useStreams = (i == 0) == streamsFirst;
                        var result = useStreams ? await RunStreamsAsync(broker, admin, pipeline, run) : await RunLoopAsync(broker, admin, pipeline, run);
                        progress.WriteLine($"{(measured ? "run" : "warm-up")} {(useStreams ? pipeline.Name : pipeline.LoopName)}: " +
                                           $"{result.RecordsPerSecond:N0} rec/s ({result.Records:N0} records in {result.Seconds:N2} s, start-up {result.StartupSeconds:N2} s)");
                        if (!measured) continue;
                        if (useStreams) results[pipeline].Streams.Add(result);
                        else results[pipeline].Loop.Add(result);
                    }
                }
            }

            var restores = await RunRestoresAsync(broker, admin);
            return new StreamsBenchResult(
                pipelines.Select(p => new PipelineSummary(p.Name, p.LoopName, results[p].Streams, results[p].Loop)).ToList(), restores);
        }
        finally
        {
            foreach (var dir in _stateDirectories.Where(Directory.Exists)) Directory.Delete(dir, recursive: true);
        }
    }

    private sealed record Pipeline(string Name, string LoopName, Func<string, string, Topology> Topology, bool Stateful);

    private StreamsConfig Config(string bootstrap, string applicationId)
    {
        var stateDirectory = Path.Combine(settings.DataParent, $"chatstreams-bench-state-{Guid.NewGuid():N}");
        _stateDirectories.Add(stateDirectory);
        var config = new StreamsConfig
        {
            ApplicationId = applicationId,
            StateDirectory = stateDirectory,
            CommitIntervalMs = settings.CommitIntervalMs,
            ProcessingGuarantee = ProcessingGuarantee.ExactlyOnceV2,
        };
        config.Kafka.BootstrapServers = bootstrap;
        return config;
    }

    private async Task<PipelineRun> RunStreamsAsync(EmbeddedBrokerTarget broker, IAdminClient admin, Pipeline pipeline, int run)
    {
        var app = $"bench-streams-{run}";
        var output = $"{app}-out";
        await broker.CreateTopicAsync(output, settings.Partitions);
        await using var streams = new KafkaStreams(pipeline.Topology(Input, output), Config(broker.BootstrapServers, app), loggers);
        await streams.StartAsync();
        var result = await new CommittedProgress(admin, app, Input, settings.Partitions).WaitForAsync(settings.Records, RunTimeout);
        if (!await streams.CloseAsync(TimeSpan.FromSeconds(60))) throw new InvalidOperationException($"{app} did not close");
        if (streams.State != KafkaStreamsState.NotRunning) throw new InvalidOperationException($"{app} ended in state {streams.State}: {streams.FatalError}");
        return result;
    }

    private async Task<PipelineRun> RunLoopAsync(EmbeddedBrokerTarget broker, IAdminClient admin, Pipeline pipeline, int run)
    {
        var group = $"bench-loop-{run}";
        var output = $"{group}-out";
        await broker.CreateTopicAsync(output, settings.Partitions);
        string? changelog = null;
        if (pipeline.Stateful)
        {
            changelog = $"{group}-changelog";
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = changelog, NumPartitions = settings.Partitions, ReplicationFactor = 1,
                Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" },
            }]);
        }
        using var stop = new CancellationTokenSource();
        var loop = new HandWrittenLoop(broker.BootstrapServers, Input, output, changelog, group, settings.CommitIntervalMs);
        var running = Task.Factory.StartNew(() => loop.Run(stop.Token), TaskCreationOptions.LongRunning);
        try
        {
            var progressTask = new CommittedProgress(admin, group, Input, settings.Partitions).WaitForAsync(settings.Records, RunTimeout);
            // A loop that dies must fail the run, not leave the wait to time out.
            var first = await Task.WhenAny(progressTask, running);
            if (first == running) await running;
            return await progressTask;
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    /// <summary>Restores a store of <see cref="StreamsBenchSettings.RestoreEntries"/> entries from one changelog partition, in memory and in RocksDB.</summary>
    private async Task<IReadOnlyList<RestoreSummary>> RunRestoresAsync(EmbeddedBrokerTarget broker, IAdminClient admin)
    {
        const string app = "bench-restore";
        var changelog = $"{app}-{BenchTopologies.CountStore}-changelog";
        await broker.CreateTopicAsync($"{app}-in", 1);
        await broker.CreateTopicAsync($"{app}-out", 1);
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = changelog, NumPartitions = 1, ReplicationFactor = 1, Configs = new Dictionary<string, string> { ["cleanup.policy"] = "compact" },
        }]);
        progress.WriteLine($"writing a changelog of {settings.RestoreEntries:N0} entries …");
        Produce(broker.BootstrapServers, changelog, settings.RestoreEntries, i => Encoding.UTF8.GetBytes($"entry-{i:D8}"), i => BenchTopologies.Long(i));

        var runs = new Dictionary<bool, List<(double RecordsPerSecond, double Seconds)>> { [false] = [], [true] = [] };
        for (var round = 0; round < settings.Runs; round++)
        foreach (var persistent in new[] { false, true })
        {
            var result = await RestoreOnceAsync(broker.BootstrapServers, app, persistent);
            progress.WriteLine($"restore into {(persistent ? "RocksDB" : "memory")}: {result.RecordsPerSecond:N0} rec/s, {result.Seconds:N1} s from start to running");
            runs[persistent].Add(result);
        }
        return runs.Select(r => new RestoreSummary(r.Key ? "RocksDB store" : "in-memory store", settings.RestoreEntries, r.Value)).ToList();
    }

    private async Task<(double RecordsPerSecond, double Seconds)> RestoreOnceAsync(string bootstrap, string app, bool persistent)
    {
        // The runtime's own metric gives the restore's pace: every applied batch is measured with its size.
        var batches = new List<(TimeSpan At, long Records)>();
        var watch = Stopwatch.StartNew();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == StreamsMetrics.MeterName && instrument.Name == "chatstreams.streams.restore.records") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => { lock (batches) batches.Add((watch.Elapsed, value)); });
        listener.Start();

        await using var streams = new KafkaStreams(BenchTopologies.Count($"{app}-in", $"{app}-out", persistent), Config(bootstrap, app), loggers);
        var running = new TaskCompletionSource();
        streams.StateChanged += (_, change) =>
        {
            if (change.NewState == KafkaStreamsState.Running) running.TrySetResult();
            if (change.NewState == KafkaStreamsState.Error) running.TrySetException(new InvalidOperationException($"restore failed: {streams.FatalError}"));
        };
        await streams.StartAsync();
        await running.Task.WaitAsync(RunTimeout);
        var total = watch.Elapsed.TotalSeconds;
        await streams.CloseAsync(TimeSpan.FromSeconds(60));

        lock (batches)
        {
            var restored = batches.Sum(b => b.Records);
            if (restored != settings.RestoreEntries)
                throw new InvalidOperationException($"restored {restored:N0} records, expected {settings.RestoreEntries:N0}");
            // From the first applied batch to the last: connection and metadata set-up before it are not restore speed.
            var span = (batches[^1].At - batches[0].At).TotalSeconds;
            return ((restored - batches[0].Records) / span, total);
        }
    }

    private static void Produce(string bootstrap, string topic, int count, Func<int, byte[]> key, Func<int, byte[]> value)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrap, EnableIdempotence = true, LingerMs = 20, BatchSize = 1_000_000,
            Partitioner = Partitioner.Murmur2Random, CompressionType = CompressionType.Lz4,
        }).Build();
        var failed = 0;
        for (var i = 0; i < count; i++)
        {
            while (true)
            {
                try
                {
                    producer.Produce(topic, new Message<byte[], byte[]> { Key = key(i), Value = value(i) }, r => { if (r.Error.IsError) Interlocked.Increment(ref failed); });
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }
        if (producer.Flush(TimeSpan.FromMinutes(5)) != 0 || failed > 0)
            throw new InvalidOperationException($"could not write {count:N0} records to {topic} ({failed} failed)");
    }
}

public sealed record PipelineSummary(string Name, string LoopName, IReadOnlyList<PipelineRun> Streams, IReadOnlyList<PipelineRun> Loop)
{
    public double StreamsMedian => Median(Streams.Select(r => r.RecordsPerSecond));
    public double LoopMedian => Median(Loop.Select(r => r.RecordsPerSecond));
    public double Ratio => StreamsMedian / LoopMedian;

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

public sealed record RestoreSummary(string Store, int Entries, IReadOnlyList<(double RecordsPerSecond, double Seconds)> Runs)
{
    public double MedianRecordsPerSecond => PipelineSummary.Median(Runs.Select(r => r.RecordsPerSecond));
    public double MedianSeconds => PipelineSummary.Median(Runs.Select(r => r.Seconds));
}

public sealed record StreamsBenchResult(IReadOnlyList<PipelineSummary> Pipelines, IReadOnlyList<RestoreSummary> Restores);
