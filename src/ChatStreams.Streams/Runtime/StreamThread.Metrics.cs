using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Runtime;

/// <summary>What a stream thread publishes for others to read: metrics and its metadata snapshot.</summary>
internal sealed partial class StreamThread
{
    /// <summary>Counters are batched per second (cheap per record); force publishes what is left (at shutdown).</summary>
    private void PublishMetrics(bool force)
    {
        var now = _clock.Elapsed;
        var elapsed = now - _lastMetrics;
        if (elapsed < MetricsInterval && !force) return;
        foreach (var (task, count) in _processedByTask) _metrics.RecordProcessed(Name, task.ToString(), count);
        _processedByTask.Clear();
        _metrics.PublishProcessRate(Name, _processedSinceMetrics / Math.Max(elapsed.TotalSeconds, 0.001));
        _metrics.PublishActivityRatios(Name, _activity.TakeRatios(elapsed));
        _processedSinceMetrics = 0;
        _metrics.RecordPolls(Name, _pollsSinceMetrics);
        _pollsSinceMetrics = 0;
        _lastMetrics = now;
        if (force) return;

        var lag = new Dictionary<(string, int), long>();
        foreach (var tp in _tasks.Running.SelectMany(t => t.InputPartitions))
        {
            try
            {
                // Cached by librdkafka from fetch responses: no request to the broker.
                var high = _consumer.GetWatermarkOffsets(tp).High;
                var position = _consumer.Position(tp);
                if (high == Offset.Unset || position == Offset.Unset) continue;
                lag[(tp.Topic, tp.Partition.Value)] = Math.Max(0, high.Value - position.Value);
            }
            catch (KafkaException e)
            {
                // Metrics never stop processing (e.g. the partition was revoked a moment ago).
                _logger.LogDebug("no lag for {Partition}: {Reason}", tp, e.Error.Reason);
            }
        }
        _metrics.PublishLag(Name, lag);
    }

    private void PublishMetadata(bool force)
    {
        if (_tasks is null) return;
        if (!force && _tasks.Version == _publishedVersion) return;
        _publishedVersion = _tasks.Version;
        var snapshot = new StreamThreadMetadata(Name, State, _tasks.TaskIds(TaskPhase.Running),
            _tasks.TaskIds(TaskPhase.Restoring).Concat(_tasks.TaskIds(TaskPhase.AwaitingOffsets)).ToHashSet(), TransactionalId);
        lock (_metadataLock) _metadata = snapshot;
    }
}
