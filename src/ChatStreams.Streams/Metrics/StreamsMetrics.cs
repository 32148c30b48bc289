using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ChatStreams.Streams.Metrics;

/// <summary>
/// The runtime's metrics on the <see cref="System.Diagnostics.Metrics"/> API (meter "ChatStreams.Streams"), so
/// OpenTelemetry (AddMeter("ChatStreams.Streams")) or dotnet-counters pick them up without extra wiring.
/// One instance per KafkaStreams instance; every measurement carries the application id.
/// Stream threads push counters and histograms directly; gauges (lag, restore remaining, process rate) read
/// snapshots the threads publish, because the consumers they describe may only be touched by their own thread.
/// </summary>
public sealed class StreamsMetrics : IDisposable
{
    public const string MeterName = "ChatStreams.Streams";

    private readonly Meter _meter;
    private readonly KeyValuePair<string, object?> _app;
    private readonly Counter<long> _processed;
    private readonly Counter<long> _commits;
    private readonly Counter<long> _polls;
    private readonly Histogram<double> _commitLatency;
    private readonly Histogram<double> _commitPhaseLatency;
    private readonly Counter<long> _restored;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _taskFailures;
    private readonly ConcurrentDictionary<(string Thread, string Topic, int Partition), long> _lag = new();
    private readonly ConcurrentDictionary<(string Thread, string Store, string Topic, int Partition), long> _restoreRemaining = new();
    private readonly ConcurrentDictionary<string, double> _processRate = new();
    private readonly ConcurrentDictionary<(string Thread, string Activity), double> _activityRatio = new();

    public StreamsMetrics(string applicationId)
    {
        _meter = new Meter(MeterName);
        _app = new("application.id", applicationId);
        _processed = _meter.CreateCounter<long>("chatstreams.streams.records.processed", "{record}",
            "Input records processed by a task");
        _commits = _meter.CreateCounter<long>("chatstreams.streams.commits", "{commit}", "Commits (transactions under EOS) of a stream thread");
        _polls = _meter.CreateCounter<long>("chatstreams.streams.polls", "{poll}",
            "Consumer polls of a stream thread (Kafka Streams' poll-total): a few per processed batch and commit; far more means the thread spins");
        _commitLatency = _meter.CreateHistogram<double>("chatstreams.streams.commit.latency", "ms",
            "Time to commit: flush stores, send offsets, commit the transaction (or flush + offset commit)");
        _commitPhaseLatency = _meter.CreateHistogram<double>("chatstreams.streams.commit.phase.latency", "ms",
            "Steps of an exactly-once commit: flush (every record of the transaction acknowledged), send_offsets, end_transaction (the broker's decision and markers)");
        _restored = _meter.CreateCounter<long>("chatstreams.streams.restore.records", "{record}",
            "Changelog records applied to state stores while restoring");
        _deadLetters = _meter.CreateCounter<long>("chatstreams.streams.dead.letters", "{record}",
            "Input records sent to the dead-letter topic");
        _taskFailures = _meter.CreateCounter<long>("chatstreams.streams.task.failures", "{failure}",
            "Times a stream thread aborted, closed its tasks dirty and rebuilt them from the changelogs");
        _meter.CreateObservableGauge("chatstreams.streams.consumer.lag", ObserveLag, "{record}",
            "High watermark minus the consumer position per input partition");
        _meter.CreateObservableGauge("chatstreams.streams.restore.remaining", ObserveRestoreRemaining, "{record}",
            "Changelog records still to restore per store partition (0 when restored)");
        _meter.CreateObservableGauge("chatstreams.streams.process.rate", ObserveProcessRate, "{record}/s",
            "Records processed per second by a stream thread over its last sampling window");
        _meter.CreateObservableGauge("chatstreams.streams.thread.time.ratio",
            () => _activityRatio.Select(e => new Measurement<double>(e.Value, _app, new("thread", e.Key.Thread), new("activity", e.Key.Activity))),
            null, "Share of a stream thread's last sampling window spent in poll, process, punctuate and commit (Kafka Streams' *-ratio)");
    }

    public void RecordProcessed(string thread, string task, long count)
    {
        if (count > 0) _processed.Add(count, _app, new("thread", thread), new("task", task));
    }

    public void RecordPolls(string thread, long count)
    {
        if (count > 0) _polls.Add(count, _app, new("thread", thread));
    }

    public void RecordCommit(string thread, double milliseconds)
    {
        _commits.Add(1, _app, new("thread", thread));
        _commitLatency.Record(milliseconds, _app, new("thread", thread));
    }

    internal void RecordCommitPhases(string thread, Runtime.CommitPhases phases)
    {
        _commitPhaseLatency.Record(phases.Flush.TotalMilliseconds, _app, new("thread", thread), new("phase", "flush"));
        _commitPhaseLatency.Record(phases.SendOffsets.TotalMilliseconds, _app, new("thread", thread), new("phase", "send_offsets"));
        _commitPhaseLatency.Record(phases.EndTransaction.TotalMilliseconds, _app, new("thread", thread), new("phase", "end_transaction"));
    }

    public void RecordRestored(string thread, string store, string topic, int partition, long count, long remaining)
    {
        if (count > 0) _restored.Add(count, _app, new("thread", thread), new("store", store), new("topic", topic), new("partition", partition));
        _restoreRemaining[(thread, store, topic, partition)] = Math.Max(0, remaining);
    }

    public void RestoreFinished(string thread, string store, string topic, int partition) =>
        _restoreRemaining.TryRemove((thread, store, topic, partition), out _);

    public void RecordDeadLetter(string thread, string sourceTopic) =>
        _deadLetters.Add(1, _app, new("thread", thread), new("topic", sourceTopic));

    public void RecordTaskFailure(string thread, string reason) =>
        _taskFailures.Add(1, _app, new("thread", thread), new("reason", reason));

    /// <summary>Replaces the lag snapshot of one thread (partitions it no longer owns disappear).</summary>
    public void PublishLag(string thread, IReadOnlyDictionary<(string Topic, int Partition), long> lagByPartition)
    {
        foreach (var key in _lag.Keys.Where(k => k.Thread == thread && !lagByPartition.ContainsKey((k.Topic, k.Partition))))
            _lag.TryRemove(key, out _);
        foreach (var ((topic, partition), lag) in lagByPartition) _lag[(thread, topic, partition)] = lag;
    }

    public void PublishProcessRate(string thread, double recordsPerSecond) => _processRate[thread] = recordsPerSecond;

    internal void PublishActivityRatios(string thread, IReadOnlyDictionary<Runtime.ThreadActivity, double> ratios)
    {
        foreach (var (activity, ratio) in ratios) _activityRatio[(thread, activity.ToString().ToLowerInvariant())] = ratio;
    }

    /// <summary>A stopped thread's gauges stop reporting.</summary>
    public void ForgetThread(string thread)
    {
        PublishLag(thread, new Dictionary<(string, int), long>());
        foreach (var key in _restoreRemaining.Keys.Where(k => k.Thread == thread)) _restoreRemaining.TryRemove(key, out _);
        _processRate.TryRemove(thread, out _);
        foreach (var key in _activityRatio.Keys.Where(k => k.Thread == thread)) _activityRatio.TryRemove(key, out _);
    }

    private IEnumerable<Measurement<long>> ObserveLag() =>
        _lag.Select(e => new Measurement<long>(e.Value, _app, new("thread", e.Key.Thread), new("topic", e.Key.Topic), new("partition", e.Key.Partition)));

    private IEnumerable<Measurement<long>> ObserveRestoreRemaining() =>
        _restoreRemaining.Select(e => new Measurement<long>(e.Value, _app, new("thread", e.Key.Thread), new("store", e.Key.Store),
            new("topic", e.Key.Topic), new("partition", e.Key.Partition)));

    private IEnumerable<Measurement<double>> ObserveProcessRate() =>
        _processRate.Select(e => new Measurement<double>(e.Value, _app, new("thread", e.Key)));

    public void Dispose() => _meter.Dispose();
}
