using ChatStreams.Edge.History;
using ChatStreams.Edge.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Edge.Tests.History;

public sealed class LateResumesTests
{
    /// <summary>A socket as <see cref="LateResumes"/> sees it: what it was told to resume.</summary>
    private sealed class Socket : ILateResumer
    {
        public List<IReadOnlyDictionary<string, long>> Resumed { get; } = [];
        public bool Closed { get; set; }
        public bool Throws { get; init; }

        public void ResumeLate(IReadOnlyDictionary<string, long> cursors)
        {
            lock (Resumed) Resumed.Add(cursors);
            if (Throws) throw new InvalidOperationException("this socket's queue is broken");
        }
    }

    private static Dictionary<string, long> Cursors(string conversation, long seq) => new() { [conversation] = seq };

    [Fact]
    public async Task One_wait_for_the_store_serves_every_socket_waiting_and_a_closed_one_is_skipped()
    {
        using var history = new TestHistory();
        var waits = 0;
        var stored = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        history.CatchUp = (_, _) => { Interlocked.Increment(ref waits); return stored.Task; };
        var late = new LateResumes(history.History, NullLogger<LateResumes>.Instance);
        var sockets = Enumerable.Range(0, 50).Select(_ => new Socket()).ToArray();
        foreach (var (socket, i) in sockets.Select((s, i) => (s, i))) late.Add(socket, Cursors($"c{i}", i));
        sockets[7].Closed = true;

        var round = late.RunRoundAsync(CancellationToken.None);
        await Task.Delay(50);
        Assert.False(round.IsCompleted); // nobody is resumed before the store caught up
        Assert.All(sockets, s => Assert.Empty(s.Resumed));
        stored.SetResult(true);

        Assert.Equal(49, await round);
        Assert.Equal(1, waits);
        Assert.Empty(sockets[7].Resumed);
        foreach (var (socket, i) in sockets.Select((s, i) => (s, i)).Where(x => x.i != 7))
            Assert.Equal(Cursors($"c{i}", i), Assert.Single(socket.Resumed));
    }

    [Fact]
    public async Task A_socket_added_during_a_wait_is_served_by_the_next_round()
    {
        using var history = new TestHistory();
        var stored = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        history.CatchUp = (_, _) => stored.Task;
        var late = new LateResumes(history.History, NullLogger<LateResumes>.Instance);
        var first = new Socket();
        var second = new Socket();
        late.Add(first, Cursors("a", 1));

        var round = late.RunRoundAsync(CancellationToken.None);
        late.Add(second, Cursors("b", 2));
        stored.SetResult(true);
        Assert.Equal(1, await round);
        Assert.Empty(second.Resumed);

        Assert.Equal(1, await late.RunRoundAsync(CancellationToken.None));
        Assert.Single(second.Resumed);
        Assert.Equal(0, await late.RunRoundAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_store_that_does_not_catch_up_or_cannot_be_asked_is_asked_again_then_the_sockets_get_what_it_holds(bool throws)
    {
        using var history = new TestHistory();
        var asks = 0;
        history.CatchUp = (_, _) =>
        {
            Interlocked.Increment(ref asks);
            return throws ? throw new InvalidOperationException("the history store is unreachable") : Task.FromResult(false);
        };
        var late = new LateResumes(history.History, NullLogger<LateResumes>.Instance, giveUpAfter: TimeSpan.FromMilliseconds(2500));
        var socket = new Socket();
        late.Add(socket, Cursors("a", 3));

        Assert.Equal(1, await late.RunRoundAsync(CancellationToken.None));
        Assert.Equal(Cursors("a", 3), Assert.Single(socket.Resumed));
        // An ask that fails at once is made again (a second apart) until the round's time is up.
        Assert.InRange(asks, 2, 4);
    }

    [Fact]
    public async Task A_failed_ask_is_made_again_and_the_round_ends_when_the_store_caught_up()
    {
        using var history = new TestHistory();
        var asks = 0;
        history.CatchUp = (_, _) => Task.FromResult(Interlocked.Increment(ref asks) == 2);
        var late = new LateResumes(history.History, NullLogger<LateResumes>.Instance, giveUpAfter: TimeSpan.FromMinutes(1));
        var socket = new Socket();
        late.Add(socket, Cursors("a", 3));

        Assert.Equal(1, await late.RunRoundAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(2, asks);
        Assert.Single(socket.Resumed);
    }

    [Fact]
    public async Task The_running_service_resumes_a_socket_added_after_it_started()
    {
        using var history = new TestHistory();
        var late = new LateResumes(history.History, NullLogger<LateResumes>.Instance);
        await late.StartAsync(CancellationToken.None);
        try
        {
            var socket = new Socket();
            late.Add(socket, Cursors("a", 1));
            await WaitForAsync(() => socket.Resumed.Count > 0);
            Assert.Single(socket.Resumed);
        }
        finally
        {
            await late.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_failed_round_does_not_stop_the_service()
    {
        using var history = new TestHistory();
        var late = new LateResumes(history.History, NullLogger<LateResumes>.Instance);
        await late.StartAsync(CancellationToken.None);
        try
        {
            var broken = new Socket { Throws = true };
            late.Add(broken, Cursors("a", 1));
            await WaitForAsync(() => broken.Resumed.Count > 0);
            var socket = new Socket();
            late.Add(socket, Cursors("b", 2));
            await WaitForAsync(() => socket.Resumed.Count > 0);
            Assert.Single(socket.Resumed);
        }
        finally
        {
            await late.StopAsync(CancellationToken.None);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition() && DateTime.UtcNow < deadline) await Task.Delay(10);
    }
}
