namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// Group commit for fsync: callers wait until their offset is durable; one fsync runs at a time and covers
/// everything appended before it started, and all callers that arrive while it runs share the next one.
/// So N concurrent acks=all producers cost about two fsyncs, not N. The flush is the file's own fsync on a durable-write
/// thread, or a share of the data directory's syncfs (<see cref="VolumeSync"/>).
/// </summary>
internal sealed class GroupCommit(Func<long> logEndOffset, Func<Task> flush)
{
    /// <summary>A flush that fsyncs one file on a durable-write thread (which then also completes the waiting callers).</summary>
    public static Func<Task> Fsync(Action fsync) => () => DurableWriteThreads.RunAsync(fsync, inlineContinuations: true);

    private readonly Lock _lock = new();
    private long _durableOffset;
    private Task? _running;
    private long _runningTarget;
    private TaskCompletionSource? _next;
    private long _fsyncCount;

    /// <summary>Every offset below this is on disk.</summary>
    public long DurableOffset => Volatile.Read(ref _durableOffset);

    /// <summary>fsyncs issued by group commit (tests check that concurrent callers share them).</summary>
    public long FsyncCount => Interlocked.Read(ref _fsyncCount);

    /// <summary>Records durability achieved elsewhere (segment roll, recovery, shutdown).</summary>
    public void MarkDurable(long offsetExclusive)
    {
        lock (_lock) _durableOffset = Math.Max(_durableOffset, offsetExclusive);
    }

    /// <summary>Completes when every offset below <paramref name="offsetExclusive"/> is on disk.</summary>
    public Task WaitDurable(long offsetExclusive)
    {
        if (DurableOffset >= offsetExclusive) return Task.CompletedTask;
        lock (_lock)
        {
            if (_durableOffset >= offsetExclusive) return Task.CompletedTask;
            if (_running is null) return StartLocked(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (_runningTarget >= offsetExclusive) return _running;
            _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _next.Task;
        }
    }

    private Task StartLocked(TaskCompletionSource completion)
    {
        // Data for every offset below the end read here was written before that end was published, so an
        // fsync that starts after this point covers it.
        long target = logEndOffset();
        _running = completion.Task;
        _runningTarget = target;
        Task flushing;
        try
        {
            flushing = flush();
        }
        catch (Exception e)
        {
            flushing = Task.FromException(e);
        }
        flushing.ContinueWith(static (task, state) =>
        {
            var (self, completion, target) = ((GroupCommit, TaskCompletionSource, long))state!;
            self.Complete(completion, target, task.Exception?.InnerException);
        }, (this, completion, target), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return completion.Task;
    }

    private void Complete(TaskCompletionSource completion, long target, Exception? failure)
    {
        if (failure is null) Interlocked.Increment(ref _fsyncCount);

        lock (_lock)
        {
            if (failure is null) _durableOffset = Math.Max(_durableOffset, target);
            _running = null;
            if (_next is { } waiting)
            {
                _next = null;
                StartLocked(waiting);
            }
        }
        if (failure is null) completion.SetResult();
        else completion.SetException(failure);
    }
}
