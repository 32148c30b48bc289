namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// Dedicated threads for fsync and other blocking durable writes. On the .NET thread pool (as many threads as cores
/// to begin with) a few slow fsyncs — tens of ms when the disk is busy — occupy every worker, and the request handling
/// queued behind them (fetches, produce acks) waits until the pool's starvation detection adds threads, about every
/// half second: deliveries stalled for up to a second at a few messages a second. Fsyncs of different partitions
/// also overlap here instead of two at a time. An idle thread waits on a monitor, which does not spin: a
/// BlockingCollection's semaphore spun (sched_yield) on every hand-over in all of the threads, a quarter of the
/// broker's CPU under load.
/// </summary>
internal static class DurableWriteThreads
{
    private static readonly int Count = Math.Clamp(Environment.ProcessorCount * 4, 8, 32);
    private static readonly Queue<Action> Work = Start();

    private static Queue<Action> Start()
    {
        var queue = new Queue<Action>();
        for (var i = 0; i < Count; i++)
        {
            new Thread(() =>
            {
                while (true) Take(queue)();
            })
            {
                IsBackground = true,
                Name = $"broker-fsync-{i}",
            }.Start();
        }
        return queue;
    }

    private static Action Take(Queue<Action> queue)
    {
        lock (queue)
        {
            while (queue.Count == 0) Monitor.Wait(queue);
            return queue.Dequeue();
        }
    }

    private static void Add(Action work)
    {
        lock (Work)
        {
            Work.Enqueue(work);
            Monitor.Pulse(Work);
        }
    }

    /// <summary>Runs <paramref name="work"/> on a durable-write thread; it must not throw (it reports through its own completion).</summary>
    public static void Queue(Action work) => Add(work);

    /// <summary>
    /// Runs <paramref name="work"/> on a durable-write thread and completes with it; continuations run elsewhere unless
    /// <paramref name="inlineContinuations"/> (for short bookkeeping such as a group commit's, saving a thread hop).
    /// </summary>
    public static Task RunAsync(Action work, bool inlineContinuations = false)
    {
        var done = new TaskCompletionSource(inlineContinuations ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
        Add(() =>
        {
            try
            {
                work();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        return done.Task;
    }
}
