using ChatStreams.Streams.Processor;
using ChatStreams.Streams.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// One task: the node instances, stores, buffered input and punctuations of one sub-topology for one partition
/// number. Lifecycle: InitializeStores → (restore from changelogs) → InitializeProcessors → process/punctuate/commit → Close.
/// </summary>
internal sealed class StreamTask : IStreamTask
{
    private enum State { Created, StoresOpen, Running, Closed }

    private readonly StreamTaskContext _task;
    private readonly StreamTaskStores _stores;
    private readonly IReadOnlyList<RuntimeNode> _nodes;
    private readonly Dictionary<string, ISourceNode> _sourcesByTopic;
    private readonly PartitionGroup _input;
    private readonly StreamTaskDeadLetters _deadLetters;
    private readonly List<RuntimeNode> _initialized = [];
    private State _state = State.Created;

    public StreamTask(StreamTaskContext task, IReadOnlyCollection<TopicPartition> inputPartitions, StreamTaskStores stores,
        IReadOnlyList<RuntimeNode> nodes, Dictionary<string, ISourceNode> sourcesByTopic, StreamTaskDeadLetters deadLetters)
    {
        _task = task;
        _stores = stores;
        _nodes = nodes;
        _sourcesByTopic = sourcesByTopic;
        _deadLetters = deadLetters;
        _input = new PartitionGroup(inputPartitions);
        InputPartitions = inputPartitions;
        task.Stores = stores;
    }

    public TaskId Id => _task.TaskId;
    public IReadOnlyCollection<TopicPartition> InputPartitions { get; }
    public IReadOnlyDictionary<string, TopicPartition> ChangelogPartitions => _stores.ChangelogPartitions;
    public int BufferedRecords => _input.Buffered;
    public bool CommitRequested => _task.CommitRequested;

    /// <summary>Largest record timestamp processed (-1 before the first).</summary>
    public long StreamTime => _task.StreamTime;

    /// <summary>A store of this task by name (the TopologyTestDriver reads stores through this).</summary>
    public IStateStore? Store(string name) => _stores.Get(name);

    public IEnumerable<string> StoreNames => _stores.Names;

    public void InitializeStores()
    {
        Require(State.Created, nameof(InitializeStores));
        _stores.Init();
        _state = State.StoresOpen;
    }

    public IRestorableStore RestorableStore(string storeName)
    {
        if (_state is State.Created or State.Closed)
            throw new InvalidOperationException($"task {Id}: stores are not open (call InitializeStores first)");
        var store = _stores.Get(storeName) ?? throw new ArgumentException($"task {Id} has no state store '{storeName}' (stores: {string.Join(", ", _stores.Names)})", nameof(storeName));
        return store as IRestorableStore
               ?? throw new InvalidOperationException($"state store '{storeName}' ({store.GetType().Name}) cannot be restored from a changelog: it does not implement IRestorableStore");
    }

    public void InitializeProcessors()
    {
        Require(State.StoresOpen, nameof(InitializeProcessors));
        foreach (var node in _nodes)
        {
            node.Init();
            _initialized.Add(node);
        }
        _state = State.Running;
    }

    public void AddRecords(TopicPartition partition, IEnumerable<ConsumeResult<byte[]?, byte[]?>> records)
    {
        if (_state == State.Closed) throw new ObjectDisposedException($"task {Id}");
        _input.Add(partition, records);
    }

    public int Process(int maxRecords)
    {
        Require(State.Running, nameof(Process));
        var done = 0;
        while (done < maxRecords && _input.TryTake(out var partition, out var raw))
        {
            ProcessOne(partition, raw);
            done++;
        }
        return done;
    }

    private void ProcessOne(TopicPartition partition, ConsumeResult<byte[]?, byte[]?> raw)
    {
        var source = _sourcesByTopic[partition.Topic];
        _task.CurrentRecord = new RecordMetadata(partition.Topic, partition.Partition.Value, raw.Offset.Value);
        using var span = RecordTracing.StartProcess(_task.ApplicationId, Id, partition, raw);
        try
        {
            var error = source.Process(raw, partition.Topic);
            if (error is not null) _deadLetters.Handle(source.Name, partition.Topic, raw, error);
            // Done (processed or dead-lettered): the offset moves on, so the record is never read again after a commit.
            _input.MarkProcessed(partition, raw.Offset.Value);
        }
        finally
        {
            _task.CurrentRecord = null;
            _task.CurrentRecordTimestamp = -1;
        }
    }

    public bool MaybePunctuateStreamTime()
    {
        Require(State.Running, nameof(MaybePunctuateStreamTime));
        return _task.StreamTime >= 0 && _task.StreamTimePunctuations.MayPunctuate(_task.StreamTime, Punctuate);
    }

    public bool MaybePunctuateSystemTime(long nowMs)
    {
        Require(State.Running, nameof(MaybePunctuateSystemTime));
        return _task.WallClockPunctuations.MayPunctuate(nowMs, Punctuate);
    }

    private void Punctuate(PunctuationSchedule schedule, long time)
    {
        _task.CurrentRecord = null;
        _task.CurrentRecordTimestamp = time;
        try
        {
            schedule.Punctuator(time);
        }
        catch (Exception e) when (e is not StreamTaskException)
        {
            throw _task.Failure(schedule.ProcessorName, $"punctuator of processor '{schedule.ProcessorName}'", e);
        }
        finally
        {
            _task.CurrentRecordTimestamp = -1;
        }
    }

    public IReadOnlyDictionary<TopicPartition, Offset> PrepareCommit()
    {
        if (_state is State.Created or State.Closed) throw new InvalidOperationException($"task {Id}: cannot commit a task that is {Describe(_state)}");
        // No store flush here: the changelog is the durable copy and RocksDB's write-ahead log keeps the local files
        // consistent across a process crash. Flushing memtables to SST files on every commit (every 100 ms under EOS)
        // cost most of a commit and made many small files; it is needed only before a checkpoint is written.
        _task.CommitRequested = false;
        return _input.TakeOffsetsToCommit();
    }

    public void FlushStores()
    {
        if (_state is State.Created or State.Closed) throw new InvalidOperationException($"task {Id}: cannot flush a task that is {Describe(_state)}");
        _stores.Flush();
    }

    public void Close(bool clean)
    {
        if (_state == State.Closed) return;
        _state = State.Closed;
        _input.Clear();
        var errors = new List<Exception>();
        if (clean)
        {
            try { _stores.Flush(); }
            catch (Exception e) { errors.Add(e); }
        }
        // Only processors whose Init ran (all of them, unless InitializeProcessors failed part way).
        foreach (var node in _initialized)
        {
            try { node.Close(); }
            catch (Exception e) { errors.Add(_task.Failure(node.Name, $"Close of '{node.Name}'", e)); }
        }
        _initialized.Clear();
        // Also after a failed InitializeStores: the stores that did open are closed.
        errors.AddRange(_stores.Close());
        if (errors.Count == 0) return;
        if (clean) throw errors.Count == 1 ? errors[0] : new AggregateException($"task {Id} did not close cleanly", errors);
        // After a failure the task is being abandoned anyway; report, do not mask the original error.
        foreach (var e in errors) _task.Logger.LogWarning(e, "Task {TaskId}: error while closing after a failure", Id);
    }

    public void Dispose() => Close(clean: false);

    private void Require(State expected, string operation)
    {
        if (_state != expected)
            throw new InvalidOperationException($"task {Id}: {operation} needs the task to be {Describe(expected)}, but it is {Describe(_state)}");
    }

    private static string Describe(State s) => s switch
    {
        State.Created => "created (stores not yet open)",
        State.StoresOpen => "with stores open (processors not yet initialized)",
        State.Running => "running",
        _ => "closed",
    };
}
