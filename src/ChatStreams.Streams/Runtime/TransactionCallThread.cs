namespace ChatStreams.Streams.Runtime;

/// <summary>
/// The thread a stream thread's producer runs its blocking transactional calls on (InitTransactions,
/// SendOffsetsToTransaction, CommitTransaction, AbortTransaction), one at a time, so the stream thread can give a
/// call up when it hangs past its deadline. It lives as long as the producer: starting a thread per call cost two
/// thread creations per commit, hundreds a second with idle commits, each a clone, a stack mapping and the runtime's
/// thread set-up. A thread whose call hangs is abandoned: it ends when (if ever) that call returns.
/// </summary>
internal sealed class TransactionCallThread : IDisposable
{
    private readonly object _gate = new(); // a monitor: Wait and Pulse hand the call over
    private (Action Call, TaskCompletionSource Done)? _next;
    private bool _busy;
    private bool _stopping;

    public TransactionCallThread(string name)
    {
        new Thread(Loop) { IsBackground = true, Name = name }.Start();
    }

    /// <summary>Hands <paramref name="call"/> to the thread; the task completes (or faults) once the call returned.</summary>
    public Task Run(Action call)
    {
        // Continuations elsewhere: a blocking Wait (the stream thread's) is still woken at once.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_stopping) throw new ObjectDisposedException(nameof(TransactionCallThread));
            if (_busy) throw new InvalidOperationException("a transactional call is already running on this thread");
            _busy = true;
            _next = (call, done);
            Monitor.Pulse(_gate);
        }
        return done.Task;
    }

    private void Loop()
    {
        while (true)
        {
            (Action Call, TaskCompletionSource Done) work;
            lock (_gate)
            {
                while (_next is null && !_stopping) Monitor.Wait(_gate);
                if (_next is null) return;
                work = _next.Value;
                _next = null;
            }
            Exception? failure = null;
            try
            {
                work.Call();
            }
            catch (Exception e)
            {
                failure = e;
            }
            bool stop;
            lock (_gate)
            {
                // Free before completing: the caller's next call may follow at once.
                _busy = false;
                stop = _stopping;
            }
            if (failure is null) work.Done.SetResult();
            else work.Done.SetException(failure);
            if (stop) return;
        }
    }

    /// <summary>Ends the thread once its current call (if any) returns.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.Pulse(_gate);
        }
    }
}
