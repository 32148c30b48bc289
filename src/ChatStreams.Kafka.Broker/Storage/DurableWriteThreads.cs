using System.Collections.Concurrent;

namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// Dedicated threads for fsync and other blocking durable writes. On the .NET thread pool (as many threads as cores
/// to begin with) a few slow fsyncs — tens of ms when the disk is busy — occupy every worker, and the request handling
/// queued behind them (fetches, produce acks) waits until the pool's starvation detection adds threads, about every
/// half second: deliveries stalled for up to a second at a few messages a second. Fsyncs of different partitions
/// also overlap here instead of two at a time.
/// </summary>
internal static class DurableWriteThreads
{
    private static readonly int Count = Math.Clamp(Environment.ProcessorCount * 4, 8, 32);
    private static readonly BlockingCollection<Action> Work = Start();

    private static BlockingCollection<Action> Start()
    {
        var queue = new BlockingCollection<Action>();
        for (var i = 0; i < Count; i++)
        {
            new Thread(() =>
            {
                foreach (var work in queue.GetConsumingEnumerable()) work();
            })
            {
                IsBackground = true,
                Name = $"broker-fsync-{i}",
            }.Start();
        }
        return queue;
    }

    /// <summary>Runs <paramref name="work"/> on a durable-write thread; it must not throw (it reports through its own completion).</summary>
    public static void Queue(Action work) => Work.Add(work);

    /// <summary>Runs <paramref name="work"/> on a durable-write thread and completes (asynchronously) with it.</summary>
    public static Task RunAsync(Action work)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add(() =>
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
