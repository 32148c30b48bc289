using ChatStreams.Streams.Runtime;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>The producer's thread for blocking transactional calls: reused call after call, and abandonable when a call hangs.</summary>
public sealed class TransactionCallThreadTests
{
    [Fact]
    public async Task Calls_run_one_after_another_on_one_thread_of_their_own()
    {
        using var thread = new TransactionCallThread("txn-test");
        var ids = new List<int>();
        for (var i = 0; i < 20; i++)
            await thread.Run(() => ids.Add(Environment.CurrentManagedThreadId)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(20, ids.Count);
        Assert.Single(ids.Distinct());
        Assert.NotEqual(Environment.CurrentManagedThreadId, ids[0]);
    }

    [Fact]
    public async Task A_failing_call_faults_its_task_and_the_thread_goes_on()
    {
        using var thread = new TransactionCallThread("txn-test");
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => thread.Run(() => throw new InvalidOperationException("fenced")).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("fenced", failure.Message);

        var ran = false;
        await thread.Run(() => ran = true).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(ran);
    }

    [Fact]
    public async Task A_hung_call_can_be_given_up_and_its_thread_ends_once_the_call_returns()
    {
        var thread = new TransactionCallThread("txn-test");
        using var release = new ManualResetEventSlim();
        Thread? worker = null;
        var hung = thread.Run(() =>
        {
            worker = Thread.CurrentThread;
            release.Wait();
        });

        Assert.NotSame(hung, await Task.WhenAny(hung, Task.Delay(200))); // what StreamsProducer does at its deadline
        Assert.Throws<InvalidOperationException>(() => { _ = thread.Run(() => { }); }); // one call at a time
        thread.Dispose();
        Assert.True(worker!.IsAlive);

        release.Set();
        await hung.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(worker.Join(TimeSpan.FromSeconds(10)));
        Assert.Throws<ObjectDisposedException>(() => { _ = thread.Run(() => { }); });
    }
}
