using ChatStreams.Edge.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Edge.Tests.History;

/// <summary>
/// What the edge's history adds to the history store (whose reads are proven by the store contract in the sinks
/// tests): waiting for the store to reach a seq, the sequencer's decisions for REST calls, and presence.
/// </summary>
public sealed class StoreHistoryTests : IDisposable
{
    private readonly TestHistory _store = new();

    private Edge.History.IConversationHistory History => _store.History;

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Reads_come_from_the_history_store_limited_to_what_the_user_may_read()
    {
        var log = new ConversationLog("g1");
        _store.Apply(log.Created("alice", ["bob"]), log.Sent("alice", "one"), log.Added("alice", "carol"), log.Sent("bob", "two"));

        Assert.Equal(4, await History.HeadAsync("g1", default));
        Assert.Equal(new long[] { 3, 4 }, (await History.EventsAsync("g1", "carol", 0, long.MaxValue, 10, false, default)).Select(i => i.Event.Seq));
        Assert.True(await History.IsMemberAsync("g1", "carol", default));
        Assert.False(await History.HasAccessAsync("g1", "dave", default));
        Assert.Equal(["alice", "bob", "carol"], await History.MembersOfAsync("g1", default));
        Assert.Equal(["alice", "bob"], await History.ContactsOfAsync("carol", default));
        Assert.Equal("g1", Assert.Single(await History.ConversationsOfAsync("bob", default)).ConversationId);
    }

    [Fact]
    public async Task WaitForSeqAsync_completes_when_the_store_holds_the_seq()
    {
        var log = new ConversationLog("g1");
        _store.Apply(log.Created("alice", ["bob"]));
        Assert.True(await History.WaitForSeqAsync("g1", 1, TimeSpan.FromSeconds(30), CancellationToken.None));

        var waiting = History.WaitForSeqAsync("g1", 3, TimeSpan.FromSeconds(30), CancellationToken.None);
        _store.Apply(log.Sent("alice", "two"));
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        _store.Apply(log.Sent("alice", "three"));
        Assert.True(await waiting);
    }

    [Fact]
    public async Task WaitForSeqAsync_waits_for_a_conversation_not_stored_yet()
    {
        var log = new ConversationLog("g1");
        var waiting = History.WaitForSeqAsync("g1", 2, TimeSpan.FromSeconds(30), CancellationToken.None);
        _store.Apply(log.Created("alice", ["bob"]), log.Sent("alice", "two"));
        Assert.True(await waiting);
    }

    [Fact]
    public async Task WaitForSeqAsync_is_false_when_the_seq_does_not_come_in_time()
    {
        var log = new ConversationLog("g1");
        _store.Apply(log.Created("alice", ["bob"]));
        Assert.False(await History.WaitForSeqAsync("g1", 2, TimeSpan.FromMilliseconds(50), CancellationToken.None));
        var again = History.WaitForSeqAsync("g1", 2, TimeSpan.FromSeconds(30), CancellationToken.None);
        _store.Apply(log.Sent("alice", "two"));
        Assert.True(await again);
    }

    [Fact]
    public async Task WaitForSeqAsync_honours_cancellation()
    {
        using var cancel = new CancellationTokenSource();
        var waiting = History.WaitForSeqAsync("g1", 2, TimeSpan.FromSeconds(30), cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task A_decision_watch_completes_with_a_rejection()
    {
        var log = new ConversationLog("g1");
        using var watch = History.WatchDecision("cmd-x");
        var rejection = log.Rejected("bob", "cmd-x", "not_admin");
        _store.Decisions.Decided(rejection);
        Assert.Same(rejection, await watch.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None));
    }

    [Fact]
    public async Task A_decision_watch_completes_with_the_sequenced_event_and_ignores_other_commands()
    {
        var log = new ConversationLog("g1");
        var created = log.Created("alice", ["bob"]);
        using var watch = History.WatchDecision(log.NextCommandId);
        _store.Decisions.Decided(created); // another command's decision
        Assert.False(watch.Decision.IsCompleted);
        var added = log.Added("alice", "carol");
        _store.Decisions.Decided(added);
        Assert.Same(added, await watch.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None));
    }

    [Fact]
    public async Task A_decision_watch_times_out_with_null_and_stops_watching_when_disposed()
    {
        var log = new ConversationLog("g1");
        _store.Decisions.Decided(log.Created("alice", ["bob"]));
        var watch = History.WatchDecision(log.NextCommandId);
        Assert.Null(await watch.WaitAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None));
        watch.Dispose();
        _store.Decisions.Decided(log.Sent("alice", "late"));
        Assert.False(watch.Decision.IsCompleted);
    }

    [Fact]
    public void Presence_keeps_the_latest_change_per_user()
    {
        var later = new PresenceChange { UserId = "bob", Status = PresenceStatus.Offline, LastSeen = ConversationLog.Epoch.AddMinutes(2), DevicesOnline = 0 };
        var earlier = new PresenceChange { UserId = "bob", Status = PresenceStatus.Online, LastSeen = ConversationLog.Epoch, DevicesOnline = 1 };
        Assert.Null(History.PresenceOf("bob"));
        _store.Presence.Apply(later);
        _store.Presence.Apply(earlier); // a replay out of order does not go back in time
        Assert.Equal(PresenceStatus.Offline, History.PresenceOf("bob")!.Status);
    }

    [Fact]
    public async Task Readiness_and_catching_up_come_from_the_feed_and_the_sink_progress()
    {
        _store.Ready = false;
        Assert.False(History.IsReady);
        _store.Ready = true;
        Assert.True(History.IsReady);
        _store.CatchUp = (_, _) => Task.FromResult(false);
        Assert.False(await History.CatchUpAsync(TimeSpan.FromMilliseconds(10), default));
    }
}
