using System.Diagnostics;
using ChatStreams.Streams.Metrics;
using ChatStreams.Streams.Processor;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// Refills the logged stores of newly assigned tasks from their changelogs (Kafka Streams' StoreChangelogReader).
/// It owns a separate restore consumer (manual assignment, no group, read_committed so aborted writes are never
/// restored). The target of each changelog partition is its last stable offset when restoration starts; the
/// stream thread calls <see cref="Restore"/> between polls with a time budget, so the main consumer keeps polling
/// and the group keeps the member while a large store restores.
/// </summary>
internal sealed class StoreChangelogReader : IDisposable
{
    private static readonly TimeSpan ProgressLogInterval = TimeSpan.FromSeconds(10);
    private const long ProgressLogRecords = 250_000;

    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly IAdminClient _admin;
    private readonly string _threadName;
    private readonly StreamsMetrics _metrics;
    private readonly ILogger _logger;
    private readonly int _batchSize;
    private readonly Dictionary<TopicPartition, ChangelogRestoration> _active = new();
    private HashSet<TopicPartition> _assigned = [];
    private DateTime _retryEndOffsetsAt = DateTime.MinValue;
    private static readonly TimeSpan CheckpointAheadPatience = TimeSpan.FromSeconds(5);

    public StoreChangelogReader(IConsumer<byte[]?, byte[]?> restoreConsumer, IAdminClient admin, string threadName,
        StreamsMetrics metrics, ILogger logger, int batchSize = 1000)
    {
        _consumer = restoreConsumer;
        _admin = admin;
        _threadName = threadName;
        _metrics = metrics;
        _logger = logger;
        _batchSize = batchSize;
    }

    public bool HasPending => _active.Count > 0;

    /// <summary>Tasks with at least one changelog partition still restoring.</summary>
    public IEnumerable<TaskId> PendingTasks => _active.Values.Select(r => r.Task).Distinct();

    /// <summary>
    /// Starts restoring the logged stores of <paramref name="task"/>; <paramref name="checkpoint"/> gives the offsets
    /// local persistent stores already hold. Returns the changelog partitions registered (none: nothing to restore).
    /// </summary>
    public int Register(IStreamTask task, IReadOnlyDictionary<TopicPartition, long> checkpoint)
    {
        var count = 0;
        foreach (var (storeName, partition) in task.ChangelogPartitions)
        {
            var store = task.RestorableStore(storeName);
            var start = checkpoint.TryGetValue(partition, out var offset) && store.Persistent ? offset : 0;
            _active[partition] = new ChangelogRestoration(task.Id, storeName, partition, store, start);
            count++;
        }
        return count;
    }

    /// <summary>Stops restoring a task (revoked or closed before it finished); its partial state stays in its stores.</summary>
    public IReadOnlyDictionary<TopicPartition, long> Unregister(TaskId task)
    {
        var positions = new Dictionary<TopicPartition, long>();
        foreach (var r in _active.Values.Where(r => r.Task == task).ToList())
        {
            r.Apply();
            positions[r.Partition] = r.Position;
            _active.Remove(r.Partition);
            _metrics.RestoreFinished(_threadName, r.StoreName, r.Partition.Topic, r.Partition.Partition.Value);
        }
        SyncAssignment();
        return positions;
    }

    public void UnregisterAll()
    {
        foreach (var task in PendingTasks.ToList()) Unregister(task);
    }

    /// <summary>
    /// Restores for up to <paramref name="budget"/>. Returns the tasks whose every changelog partition has reached
    /// its end, with the changelog offset each store now holds (for checkpoints).
    /// </summary>
    public IReadOnlyList<(TaskId Task, IReadOnlyDictionary<TopicPartition, long> Offsets)> Restore(TimeSpan budget)
    {
        var watch = Stopwatch.StartNew();
        var finished = new List<ChangelogRestoration>();
        ResolveEndOffsets(finished);
        SyncAssignment();

        while (_assigned.Count > 0 && watch.Elapsed < budget)
        {
            var result = _consumer.Consume(Remaining(budget, watch));
            if (result is null) continue;
            if (!_active.TryGetValue(result.TopicPartition, out var restoration) || restoration.Done) continue;
            if (result.IsPartitionEOF)
            {
                // The end under read_committed is the last stable offset; commit markers are skipped, so EOF may be
                // the only sign that we reached it.
                if (result.Offset.Value >= restoration.EndOffset)
                {
                    restoration.Position = Math.Max(restoration.Position, result.Offset.Value);
                    Finish(restoration, finished);
                }
                continue;
            }
            restoration.Add(result);
            if (restoration.Buffered >= _batchSize) Apply(restoration);
            if (restoration.Position >= restoration.EndOffset) Finish(restoration, finished);
        }
        foreach (var r in _active.Values) Apply(r);
        if (finished.Count == 0) return [];

        // A task is restored when all its changelog partitions are (they may finish in different calls).
        var done = new List<(TaskId, IReadOnlyDictionary<TopicPartition, long>)>();
        foreach (var task in finished.Select(r => r.Task).Distinct())
        {
            var all = _active.Values.Where(r => r.Task == task).ToList();
            if (!all.All(r => r.Done)) continue;
            foreach (var r in all) _active.Remove(r.Partition);
            done.Add((task, all.ToDictionary(r => r.Partition, r => r.Position)));
        }
        SyncAssignment();
        return done;
    }

    /// <summary>Asks the cluster where each newly registered changelog partition ends (last stable offset).</summary>
    private void ResolveEndOffsets(List<ChangelogRestoration> finished)
    {
        var unresolved = _active.Values.Where(r => r.EndOffset is null).ToList();
        if (unresolved.Count == 0) return;
        if (DateTime.UtcNow < _retryEndOffsetsAt)
        {
            // Nothing to read until then: do not let the stream thread spin.
            var wait = _retryEndOffsetsAt - DateTime.UtcNow;
            if (_assigned.Count == 0 && wait > TimeSpan.Zero) Thread.Sleep(wait);
            return;
        }
        var result = _admin.ListOffsetsAsync(
                unresolved.Select(r => new TopicPartitionOffsetSpec { TopicPartition = r.Partition, OffsetSpec = OffsetSpec.Latest() }),
                new ListOffsetsOptions { IsolationLevel = IsolationLevel.ReadCommitted, RequestTimeout = TimeSpan.FromSeconds(30) })
            .GetAwaiter().GetResult();
        var ends = result.ResultInfos.ToDictionary(i => i.TopicPartitionOffsetError.TopicPartition, i => i.TopicPartitionOffsetError.Offset.Value);
        foreach (var r in unresolved)
        {
            if (!ends.TryGetValue(r.Partition, out var end))
                throw new InvalidOperationException($"the cluster gave no end offset for changelog {r.Partition}");
            if (r.StartOffset > end)
            {
                // A just-committed transaction's marker may not be written yet (Kafka writes markers after answering
                // EndTxn), which holds the last stable offset back for a moment: look again before giving up.
                if (DateTime.UtcNow - r.StartedAt < CheckpointAheadPatience)
                {
                    _retryEndOffsetsAt = DateTime.UtcNow + TimeSpan.FromMilliseconds(100);
                    continue;
                }
                // The checkpoint is ahead of the changelog: the topic was deleted and recreated, or truncated.
                throw new TaskCorruptedException([r.Task], $"checkpoint offset {r.StartOffset} of {r.Partition} is beyond its end {end}");
            }
            r.EndOffset = end;
            _logger.LogInformation("restoring store {Store} of task {Task} from {Changelog} offsets {Start}..{End}",
                r.StoreName, r.Task, r.Partition, r.StartOffset, end);
            if (r.StartOffset >= end) Finish(r, finished);
            else _metrics.RecordRestored(_threadName, r.StoreName, r.Partition.Topic, r.Partition.Partition.Value, 0, r.Remaining);
        }
    }

    private void Apply(ChangelogRestoration r)
    {
        var applied = r.Apply();
        if (applied == 0) return;
        _metrics.RecordRestored(_threadName, r.StoreName, r.Partition.Topic, r.Partition.Partition.Value, applied, r.Remaining);
        var now = DateTime.UtcNow;
        if (now - r.LastProgressLog >= ProgressLogInterval || r.Restored - r.RestoredAtLastLog >= ProgressLogRecords)
        {
            _logger.LogInformation("restoring store {Store} of task {Task}: {Restored} records restored, {Remaining} to go",
                r.StoreName, r.Task, r.Restored, r.Remaining);
            r.LastProgressLog = now;
            r.RestoredAtLastLog = r.Restored;
        }
    }

    private void Finish(ChangelogRestoration r, List<ChangelogRestoration> finished)
    {
        Apply(r);
        r.Done = true;
        finished.Add(r);
        _metrics.RestoreFinished(_threadName, r.StoreName, r.Partition.Topic, r.Partition.Partition.Value);
        var seconds = (DateTime.UtcNow - r.StartedAt).TotalSeconds;
        _logger.LogInformation("restored store {Store} of task {Task} from {Changelog}: {Restored} records in {Seconds:0.0} s",
            r.StoreName, r.Task, r.Partition, r.Restored, seconds);
    }

    /// <summary>Keeps the restore consumer assigned to exactly the partitions still restoring, at our positions.</summary>
    private void SyncAssignment()
    {
        var wanted = _active.Values.Where(r => !r.Done && r.EndOffset is not null).Select(r => r.Partition).ToHashSet();
        if (wanted.SetEquals(_assigned)) return;
        if (wanted.Count == 0) _consumer.Unassign();
        else _consumer.Assign(wanted.Select(tp => new TopicPartitionOffset(tp, _active[tp].Position)));
        _assigned = wanted;
    }

    private static TimeSpan Remaining(TimeSpan budget, Stopwatch watch)
    {
        var left = budget - watch.Elapsed;
        return left < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : left;
    }

    public void Dispose()
    {
        try { _consumer.Close(); }
        catch (KafkaException e) { _logger.LogDebug(e, "ignoring an error while closing the restore consumer"); }
        _consumer.Dispose();
    }
}
