using ChatStreams.Streams.Processor;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// The tasks of one stream thread and their life cycle (Kafka Streams' TaskManager):
/// assigned → awaiting stable offsets → restoring → running → suspended (at an eager revocation, committed, kept in
/// case the same partitions come back) → closed. Clean closes write a checkpoint; dirty closes wipe the local
/// state so it is rebuilt from the changelogs. Only the stream thread calls it.
/// </summary>
internal sealed class TaskManager(
    StreamTaskFactory factory,
    TopicLayout layout,
    StateDirectory stateDirectory,
    RecordCollector collector,
    StoreChangelogReader changelogReader,
    bool exactlyOnce,
    string owner,
    ILogger logger)
{
    private static readonly TimeSpan StableOffsetsTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TaskLockTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan AtLeastOnceCheckpointInterval = TimeSpan.FromSeconds(10);

    private readonly Dictionary<TaskId, ManagedTask> _tasks = new();
    private readonly Dictionary<TopicPartition, ManagedTask> _byPartition = new();

    /// <summary>Changes whenever a task is added, removed or changes phase (for metadata snapshots).</summary>
    public int Version { get; private set; }

    /// <summary>
    /// The running tasks, kept until the tasks change: a stream thread walks them several times per loop (poll, back
    /// pressure, punctuation, commit), thousands of times a second, and a fresh LINQ query each time was a few percent
    /// of the fan-out thread's CPU.
    /// </summary>
    public IReadOnlyList<IStreamTask> Running => _running ??= _tasks.Values.Where(t => t.Phase == TaskPhase.Running).Select(t => t.Task).ToArray();

    private IStreamTask[]? _running;

    /// <summary>True when some task must not be fetched for yet (see <see cref="PartitionsNotReady"/>).</summary>
    public bool AnyNotReady
    {
        get
        {
            foreach (var t in _tasks.Values)
                if (IsNotReady(t)) return true;
            return false;
        }
    }

    public bool AllRunning => _tasks.Values.All(t => t.Phase is TaskPhase.Running);

    public bool AnyWaitingForOffsets => _tasks.Values.Any(t => t.Phase == TaskPhase.AwaitingOffsets);

    public bool Any => _tasks.Count > 0;

    public IReadOnlySet<TaskId> TaskIds(TaskPhase phase) => _tasks.Values.Where(t => t.Phase == phase).Select(t => t.Task.Id).ToHashSet();

    /// <summary>The task reading a partition, if it is assigned and takes records now (not suspended).</summary>
    public IStreamTask? TaskReading(TopicPartition partition) =>
        _byPartition.TryGetValue(partition, out var t) && t.Phase != TaskPhase.Suspended ? t.Task : null;

    /// <summary>Input partitions of tasks that must not be fetched yet (their stores are not restored).</summary>
    public IEnumerable<TopicPartition> PartitionsNotReady =>
        _tasks.Values.Where(IsNotReady).SelectMany(t => t.Task.InputPartitions);

    /// <summary>A task whose inputs must not be fetched yet: it waits for stable offsets or restores its stores.</summary>
    private static bool IsNotReady(ManagedTask task) => task.Phase is TaskPhase.AwaitingOffsets or TaskPhase.Restoring;

    /// <summary>
    /// Applies a new (eager, complete) assignment: suspended tasks that come back resume without restoring,
    /// the others close cleanly; tasks new to this thread are created and start restoring.
    /// </summary>
    public void Assign(IReadOnlyCollection<TopicPartition> assigned)
    {
        var wanted = assigned.Where(tp => layout.IsSourceTopic(tp.Topic))
            .GroupBy(tp => new TaskId(layout.SubtopologyReading(tp.Topic).Id, tp.Partition.Value))
            .ToDictionary(g => g.Key, g => (IReadOnlyCollection<TopicPartition>)g.ToList());

        foreach (var t in _tasks.Values.Where(t => !wanted.TryGetValue(t.Task.Id, out var inputs) || !SameInputs(t, inputs)).ToList())
            CloseClean(t);
        foreach (var t in _tasks.Values.Where(t => t.Phase == TaskPhase.Suspended))
        {
            SetPhase(t, TaskPhase.Running);
            logger.LogInformation("task {Task} resumed (kept across the rebalance, no restore needed)", t.Task.Id);
        }
        foreach (var (id, inputs) in wanted.Where(w => !_tasks.ContainsKey(w.Key)))
            Open(id, inputs);
        Version++;
    }

    /// <summary>
    /// At an eager revocation, after the commit: running tasks are suspended (kept with their state), tasks that
    /// had not finished restoring are closed (their restored prefix is checkpointed when persistent).
    /// </summary>
    public void SuspendAll()
    {
        foreach (var t in _tasks.Values.ToList())
        {
            if (t.Phase == TaskPhase.Running) SetPhase(t, TaskPhase.Suspended);
            else if (t.Phase != TaskPhase.Suspended) CloseClean(t);
        }
        Version++;
    }

    /// <summary>
    /// For tasks awaiting stable offsets: waits (briefly) until no open transaction holds offsets of their inputs,
    /// so that everything a previous owner committed is also visible in the changelogs, then starts restoring.
    /// </summary>
    public void AwaitStableOffsets(IConsumer<byte[]?, byte[]?> consumer)
    {
        var waiting = _tasks.Values.Where(t => t.Phase == TaskPhase.AwaitingOffsets).ToList();
        if (waiting.Count == 0) return;
        if (exactlyOnce)
        {
            try
            {
                // librdkafka asks with require_stable under read_committed and retries while offsets are unstable.
                consumer.Committed(waiting.SelectMany(t => t.Task.InputPartitions), StableOffsetsTimeout);
            }
            catch (KafkaException e) when (!e.Error.IsFatal)
            {
                logger.LogInformation("waiting for a pending transaction on the inputs of task(s) {Tasks} to finish ({Reason})",
                    string.Join(", ", waiting.Select(t => t.Task.Id)), e.Error.Reason);
                return;
            }
        }
        foreach (var t in waiting)
        {
            if (changelogReader.Register(t.Task, t.Checkpoint) > 0) SetPhase(t, TaskPhase.Restoring);
            else StartRunning(t, new Dictionary<TopicPartition, long>());
        }
        Version++;
    }

    /// <summary>Restores for up to <paramref name="budget"/>; tasks whose stores are complete start running.</summary>
    public void Restore(TimeSpan budget)
    {
        if (!changelogReader.HasPending) return;
        try
        {
            foreach (var (id, offsets) in changelogReader.Restore(budget))
                if (_tasks.TryGetValue(id, out var t))
                {
                    StartRunning(t, offsets);
                    Version++;
                }
        }
        catch (TaskCorruptedException e)
        {
            logger.LogWarning("{Reason}; restoring from scratch", e.Message);
            foreach (var id in e.Tasks)
                if (_tasks.TryGetValue(id, out var t))
                {
                    var inputs = t.Task.InputPartitions;
                    CloseDirty(t);
                    Open(id, inputs);
                }
            Version++;
        }
    }

    /// <summary>After a successful commit: remembers how far each changelog is written (for checkpoints).</summary>
    public void AfterCommit()
    {
        var now = DateTime.UtcNow;
        foreach (var t in _tasks.Values.Where(t => t.Phase is TaskPhase.Running or TaskPhase.Suspended))
        {
            foreach (var tp in t.Task.ChangelogPartitions.Values)
                if (collector.NextOffset(tp) is { } next) t.ChangelogOffsets[tp] = next;
            // At least once a checkpoint may lag the store: replaying a changelog suffix is harmless (same final values).
            if (!exactlyOnce && now - t.LastCheckpoint >= AtLeastOnceCheckpointInterval)
            {
                t.Task.FlushStores();
                WriteCheckpoint(t);
                t.LastCheckpoint = now;
            }
        }
    }

    public void CloseAllClean()
    {
        foreach (var t in _tasks.Values.ToList()) CloseClean(t);
        Version++;
    }

    /// <summary>After a failure: no flush, no checkpoint, local state wiped (rebuilt from the changelogs on reopen).</summary>
    public void CloseAllDirty()
    {
        foreach (var t in _tasks.Values.ToList()) CloseDirty(t);
        Version++;
    }

    private void Open(TaskId id, IReadOnlyCollection<TopicPartition> inputs)
    {
        stateDirectory.LockTask(id, owner, TaskLockTimeout);
        try
        {
            OpenLocked(id, inputs);
        }
        catch
        {
            stateDirectory.UnlockTask(id, owner);
            throw;
        }
    }

    private void OpenLocked(TaskId id, IReadOnlyCollection<TopicPartition> inputs)
    {
        var directory = stateDirectory.TaskDirectory(id);
        // Without a checkpoint (crash, or a dirty close) local files may hold writes that were never committed.
        var checkpoint = TaskCheckpoint.Exists(directory) ? TaskCheckpoint.Read(directory) : null;
        if (checkpoint is null) stateDirectory.Wipe(id);
        var task = factory.Create(id, inputs, collector);
        try
        {
            task.InitializeStores();
        }
        catch
        {
            task.Close(clean: false);
            throw;
        }
        var persistent = task.ChangelogPartitions.Where(c => task.RestorableStore(c.Key).Persistent).Select(c => c.Value).ToHashSet();
        var managed = new ManagedTask(task, directory, persistent, checkpoint ?? new Dictionary<TopicPartition, long>());
        _tasks[id] = managed;
        _running = null;
        foreach (var tp in inputs) _byPartition[tp] = managed;
        logger.LogInformation("task {Task} created for {Partitions}{Checkpoint}", id, string.Join(", ", inputs),
            checkpoint is { Count: > 0 } ? " (local state checkpointed, restoring the changelog suffix only)" : "");
    }

    /// <summary>Every phase change goes through here: the running list is rebuilt at its next read.</summary>
    private void SetPhase(ManagedTask t, TaskPhase phase)
    {
        t.Phase = phase;
        _running = null;
    }

    private void StartRunning(ManagedTask t, IReadOnlyDictionary<TopicPartition, long> restoredUpTo)
    {
        foreach (var (tp, offset) in restoredUpTo) t.ChangelogOffsets[tp] = offset;
        t.Task.InitializeProcessors();
        // Under EOS the local store now receives uncommitted writes: the checkpoint would lie after a crash.
        if (exactlyOnce) TaskCheckpoint.Delete(t.Directory);
        SetPhase(t, TaskPhase.Running);
        logger.LogInformation("task {Task} is running", t.Task.Id);
    }

    private void CloseClean(ManagedTask t)
    {
        Remove(t);
        if (t.Phase == TaskPhase.Restoring)
            foreach (var (tp, position) in changelogReader.Unregister(t.Task.Id)) t.ChangelogOffsets[tp] = position;
        try
        {
            t.Task.Close(clean: true);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "task {Task} did not close cleanly; its local state will be rebuilt", t.Task.Id);
            WipeAndUnlock(t);
            return;
        }
        try
        {
            WriteCheckpoint(t);
        }
        finally
        {
            stateDirectory.UnlockTask(t.Task.Id, owner);
        }
        logger.LogInformation("task {Task} closed", t.Task.Id);
    }

    private void CloseDirty(ManagedTask t)
    {
        Remove(t);
        if (t.Phase == TaskPhase.Restoring) changelogReader.Unregister(t.Task.Id);
        t.Task.Close(clean: false);
        WipeAndUnlock(t);
        logger.LogInformation("task {Task} closed dirty (state wiped)", t.Task.Id);
    }

    private void WipeAndUnlock(ManagedTask t)
    {
        try
        {
            stateDirectory.Wipe(t.Task.Id);
        }
        finally
        {
            stateDirectory.UnlockTask(t.Task.Id, owner);
        }
    }

    private void WriteCheckpoint(ManagedTask t) =>
        TaskCheckpoint.Write(t.Directory, t.ChangelogOffsets.Where(o => t.PersistentChangelogs.Contains(o.Key)).ToDictionary(o => o.Key, o => o.Value));

    private void Remove(ManagedTask t)
    {
        _tasks.Remove(t.Task.Id);
        _running = null;
        foreach (var tp in t.Task.InputPartitions) _byPartition.Remove(tp);
    }

    private static bool SameInputs(ManagedTask t, IReadOnlyCollection<TopicPartition> inputs) =>
        t.Task.InputPartitions.ToHashSet().SetEquals(inputs);

    private sealed class ManagedTask(IStreamTask task, string directory, IReadOnlySet<TopicPartition> persistentChangelogs,
        IReadOnlyDictionary<TopicPartition, long> checkpoint)
    {
        public IStreamTask Task { get; } = task;
        public string Directory { get; } = directory;
        public IReadOnlySet<TopicPartition> PersistentChangelogs { get; } = persistentChangelogs;
        public IReadOnlyDictionary<TopicPartition, long> Checkpoint { get; } = checkpoint;
        public Dictionary<TopicPartition, long> ChangelogOffsets { get; } = new(checkpoint);
        public TaskPhase Phase { get; set; } = TaskPhase.AwaitingOffsets;
        public DateTime LastCheckpoint { get; set; } = DateTime.UtcNow;
    }
}

internal enum TaskPhase
{
    AwaitingOffsets,
    Restoring,
    Running,
    Suspended,
}
