using System.Diagnostics;
using System.Runtime.ExceptionServices;
using ChatStreams.Kafka;
using ChatStreams.Streams.Metrics;
using ChatStreams.Streams.Processor;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// One stream thread (Kafka Streams' StreamThread): a group member with its own consumer, restore consumer and
/// producer, running the tasks of the partitions the group assigns it. The loop polls, hands records to tasks,
/// restores new tasks between polls, processes in rounds, punctuates and commits every commit interval.
/// Everything here runs on the thread itself; other threads only read <see cref="State"/> and <see cref="Metadata"/>.
/// </summary>
internal sealed partial class StreamThread
{
    private const int RecordsPerTaskPerRound = 50;
    private static readonly TimeSpan IdlePollTimeout = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RestoreBudget = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MetricsInterval = TimeSpan.FromSeconds(1);

    private readonly StreamThreadContext _context;
    private readonly StreamsConfig _config;
    private readonly ILogger _logger;
    private readonly StreamsMetrics _metrics;
    private readonly IReadOnlyList<string> _sourceTopics;
    private readonly object _metadataLock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Thread? _thread;
    private volatile bool _shutdownRequested;
    private StreamThreadMetadata _metadata;
    private int _publishedVersion = -1;

    // Created on the thread in Initialize; null before.
    private StreamsProducer _producer = null!;
    private RecordCollector _collector = null!;
    private IConsumer<byte[]?, byte[]?> _consumer = null!;
    private StoreChangelogReader _changelogReader = null!;
    private TaskManager _tasks = null!;

    private HashSet<TopicPartition> _assigned = [];
    private HashSet<TopicPartition> _paused = [];
    private bool _assignmentChanged;
    private Exception? _handlerFailure;
    private bool _uncommittedWork;
    /// <summary>When the last commit (or the check that found nothing to commit) started, and when it ended.</summary>
    private TimeSpan _lastCommit;
    private TimeSpan _lastCommitEnded;
    private bool _lastPollDrained = true;
    private TimeSpan _lastMetrics;
    private long _processedSinceMetrics;
    private long _pollsSinceMetrics;
    private readonly ThreadActivityClock _activity = new();
    private readonly Dictionary<TaskId, long> _processedByTask = new();

    public StreamThread(int index, StreamThreadContext context)
    {
        Index = index;
        _context = context;
        _config = context.Config;
        Name = $"{_config.ApplicationId}-StreamThread-{index + 1}";
        _logger = context.Loggers.CreateLogger($"ChatStreams.Streams.StreamThread.{index + 1}");
        _metrics = context.Metrics;
        _sourceTopics = context.Layout.SourceTopics.Distinct().ToList();
        TransactionalId = _config.ProcessingGuarantee == ProcessingGuarantee.ExactlyOnceV2
            ? $"{_config.ApplicationId}-{context.StateDirectory.ProcessId}-{index + 1}"
            : null;
        _metadata = new StreamThreadMetadata(Name, StreamThreadState.Created, new HashSet<TaskId>(), new HashSet<TaskId>(), TransactionalId);
    }

    public int Index { get; }
    public string Name { get; }

    /// <summary>Stable per (instance, thread): the state directory keeps the instance's process id across restarts.</summary>
    public string? TransactionalId { get; }

    public StreamThreadState State { get; private set; } = StreamThreadState.Created;

    /// <summary>The error that stopped the thread for good, or null.</summary>
    public Exception? FatalError { get; private set; }

    /// <summary>Raised on the stream thread itself: (thread, old state, new state).</summary>
    public event Action<StreamThread, StreamThreadState, StreamThreadState>? StateChanged;

    public StreamThreadMetadata Metadata
    {
        get { lock (_metadataLock) return _metadata; }
    }

    public void Start()
    {
        _thread = new Thread(Run) { Name = Name, IsBackground = true };
        _thread.Start();
    }

    /// <summary>Asks the thread to commit, close its tasks, leave the group and stop.</summary>
    public void RequestShutdown() => _shutdownRequested = true;

    public bool Join(TimeSpan timeout) => _thread is null || _thread.Join(timeout);

    private void Run()
    {
        try
        {
            Initialize();
            while (!_shutdownRequested)
            {
                try
                {
                    RunOnce();
                }
                catch (Exception e) when (!IsFatal(e))
                {
                    Recover(Unwrap(e), rejoin: true);
                }
            }
            SetState(StreamThreadState.PendingShutdown);
            ShutdownClean();
        }
        catch (Exception e)
        {
            FatalError = Unwrap(e);
            _logger.LogCritical(FatalError, "stream thread {Thread} stops: {Reason}", Name, FatalError.Message);
            ShutdownDirty();
        }
        finally
        {
            _metrics.ForgetThread(Name);
            PublishMetadata(force: true);
            SetState(StreamThreadState.Dead);
        }
    }

    private void Initialize()
    {
        SetState(StreamThreadState.Starting);
        _producer = new StreamsProducer(_config, $"{Name}-producer", TransactionalId, _logger);
        try
        {
            _producer.Initialize();
        }
        catch (KafkaException e)
        {
            // InitTransactions whose answer was lost (or the broker briefly away) is not a reason to stop: the loop makes
            // the producer again, with back-off, before it polls (RunOnce), like after any producer failure.
            _logger.LogWarning("stream thread {Thread} could not initialize its producer yet ({Code}: {Reason}); it tries again",
                Name, e.Error.Code, e.Error.Reason);
            _producerNeedsReplacement = true;
        }
        _collector = new RecordCollector(_producer, Name, _config.ResolvedDeadLetterTopic, _metrics, _context.OnDemandTopics);
        _changelogReader = new StoreChangelogReader(BuildRestoreConsumer(), _context.Admin, Name, _metrics, _logger);
        _tasks = new TaskManager(_context.TaskFactory, _context.Layout, _context.StateDirectory, _collector, _changelogReader,
            _producer.ExactlyOnce, Name, _logger);
        _consumer = BuildConsumer();
        _consumer.Subscribe(_sourceTopics);
        _logger.LogInformation("stream thread {Thread} subscribed to {Topics} ({Guarantee})", Name, string.Join(", ", _sourceTopics),
            _config.ProcessingGuarantee);
    }

    private void RunOnce()
    {
        if (_producerNeedsReplacement)
        {
            ReplaceProducerIfNeeded();
            if (_producerNeedsReplacement) throw new KafkaException(new Error(ErrorCode.Local_Transport, "the producer could not be created"));
        }
        var mark = _clock.Elapsed;
        var records = Poll();
        mark = _activity.Add(ThreadActivity.Poll, mark, _clock.Elapsed);
        if (_handlerFailure is { } failure)
        {
            _handlerFailure = null;
            ExceptionDispatchInfo.Throw(failure);
        }
        Route(records);

        // A held instance (the next generation during a rescale) keeps its tasks waiting here: stores not restored yet,
        // inputs paused, until the state they need has been written to their changelogs.
        if (_tasks.AnyWaitingForOffsets && _config.HoldTasks?.Invoke() != true) _tasks.AwaitStableOffsets(_consumer);
        _tasks.Restore(RestoreBudget);
        UpdatePausedPartitions();

        mark = _clock.Elapsed;
        ProcessRounds();
        mark = _activity.Add(ThreadActivity.Process, mark, _clock.Elapsed);
        Punctuate();
        mark = _activity.Add(ThreadActivity.Punctuate, mark, _clock.Elapsed);
        MaybeCommit();
        _producer.ServeDeliveryReports();
        _activity.Add(ThreadActivity.Commit, mark, _clock.Elapsed);

        if (State == StreamThreadState.PartitionsAssigned && _tasks.AllRunning) SetState(StreamThreadState.Running);
        PublishMetadata(force: false);
        PublishMetrics(force: false);
    }

    /// <summary>One poll: waits only when there is nothing else to do, then drains what is ready up to MaxPollRecords.</summary>
    private List<ConsumeResult<byte[]?, byte[]?>> Poll()
    {
        var busy = _tasks.Running.Any(t => t.BufferedRecords > 0) || _changelogReader.HasPending || _tasks.AnyWaitingForOffsets;
        var batch = new List<ConsumeResult<byte[]?, byte[]?>>();
        _pollsSinceMetrics++;
        var first = _consumer.Consume(busy ? TimeSpan.Zero : IdleWait());
        _lastPollDrained = true;
        if (first is null) return batch;
        batch.Add(first);
        while (batch.Count < _config.MaxPollRecords && _consumer.Consume(TimeSpan.Zero) is { } next) batch.Add(next);
        _lastPollDrained = batch.Count < _config.MaxPollRecords;
        return batch;
    }

    /// <summary>
    /// How long an idle poll may wait: <see cref="IdlePollTimeout"/>, but no later than the next commit when processed records
    /// wait for it. Under exactly-once nothing this thread wrote is visible downstream before its commit, so waiting the full
    /// idle timeout after the last record of a burst would hold every output of that burst back by up to that much.
    /// </summary>
    private TimeSpan IdleWait()
    {
        if (!_uncommittedWork && !_producer.TransactionInFlight) return IdlePollTimeout;
        var untilCommit = PollWait.Until(UntilCommitDue(_clock.Elapsed, idle: true));
        return untilCommit < IdlePollTimeout ? untilCommit : IdlePollTimeout;
    }

    private void Route(List<ConsumeResult<byte[]?, byte[]?>> records)
    {
        if (records.Count == 0) return;
        foreach (var group in records.Where(r => !r.IsPartitionEOF && r.Message is not null).GroupBy(r => r.TopicPartition))
        {
            // A record of a partition we no longer own (fetched before a revocation): dropped, the owner reads it
            // again from the committed offset.
            if (_tasks.TaskReading(group.Key) is { } task) task.AddRecords(group.Key, group);
        }
    }

    /// <summary>Processes the running tasks round-robin until their buffers are empty or the commit interval is up.</summary>
    private void ProcessRounds()
    {
        var budget = TimeSpan.FromMilliseconds(_config.CommitIntervalMs);
        var start = _clock.Elapsed;
        int processed;
        do
        {
            processed = 0;
            foreach (var task in _tasks.Running)
            {
                if (task.BufferedRecords == 0) continue;
                var n = task.Process(RecordsPerTaskPerRound);
                if (n == 0) continue;
                processed += n;
                _processedByTask[task.Id] = _processedByTask.GetValueOrDefault(task.Id) + n;
            }
            if (processed > 0) _uncommittedWork = true;
            _processedSinceMetrics += processed;
        } while (processed > 0 && _clock.Elapsed - start < budget);
    }

    /// <summary>Processes everything buffered (before an eager revocation commits, so no buffered record is lost or repeated).</summary>
    private void ProcessAllBuffered()
    {
        int processed;
        do
        {
            processed = 0;
            foreach (var task in _tasks.Running)
            {
                var n = task.Process(int.MaxValue);
                processed += n;
                if (n > 0) _processedByTask[task.Id] = _processedByTask.GetValueOrDefault(task.Id) + n;
            }
            if (processed > 0) _uncommittedWork = true;
            _processedSinceMetrics += processed;
        } while (processed > 0);
    }

    private void Punctuate()
    {
        var now = _context.Time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var task in _tasks.Running)
        {
            if (task.MaybePunctuateStreamTime()) _uncommittedWork = true;
            if (task.MaybePunctuateSystemTime(now)) _uncommittedWork = true;
        }
    }

    /// <summary>
    /// Pauses the inputs of tasks that are not restored yet and of tasks with too much buffered input
    /// (back pressure); resumes them when they are ready again.
    /// </summary>
    private void UpdatePausedPartitions()
    {
        var highWater = 4 * _config.MaxPollRecords;
        // The usual loop: nothing paused, nothing to pause. Checked without allocating (this runs thousands of times a second).
        if (!_assignmentChanged && _paused.Count == 0 && !_tasks.AnyNotReady && !AnyBufferedAtLeast(highWater)) return;
        var wanted = _tasks.PartitionsNotReady.ToHashSet();
        foreach (var task in _tasks.Running)
        {
            var alreadyPaused = task.InputPartitions.Any(_paused.Contains);
            // Hysteresis: pause above 4 polls' worth, resume below one, so fetches are not thrown away each loop.
            if (task.BufferedRecords >= highWater || (alreadyPaused && task.BufferedRecords >= _config.MaxPollRecords))
                wanted.UnionWith(task.InputPartitions);
        }
        wanted.IntersectWith(_assigned);

        if (_assignmentChanged)
        {
            // A new assignment: do not trust pause flags from before it.
            var resume = _assigned.Except(wanted).ToList();
            if (resume.Count > 0) _consumer.Resume(resume);
            _paused = [];
            _assignmentChanged = false;
        }
        var toPause = wanted.Except(_paused).ToList();
        var toResume = _paused.Except(wanted).Where(_assigned.Contains).ToList();
        if (toPause.Count > 0) _consumer.Pause(toPause);
        if (toResume.Count > 0) _consumer.Resume(toResume);
        _paused = wanted;
    }

    private bool AnyBufferedAtLeast(int records)
    {
        foreach (var task in _tasks.Running)
            if (task.BufferedRecords >= records) return true;
        return false;
    }

    private void SetState(StreamThreadState next)
    {
        var old = State;
        if (old == next || old == StreamThreadState.Dead) return;
        State = next;
        lock (_metadataLock) _metadata = _metadata with { State = next };
        _logger.LogInformation("stream thread {Thread}: {Old} -> {New}", Name, old, next);
        StateChanged?.Invoke(this, old, next);
    }
}
