using System.Collections.Concurrent;
using System.Text.Json;
using ChatStreams.Edge.Frames;
using ChatStreams.Edge.History;
using ChatStreams.Edge.Tests.Support;
using chatstreams.v1;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Edge.Tests.History;

public sealed class LiveTailWatchTests(UnreachableKafka kafka) : IClassFixture<UnreachableKafka>
{
    private static readonly TimeSpan CheckAfter = TimeSpan.FromSeconds(5);
    private const long T0 = 1_000_000;

    /// <summary>A socket as the watch sees it: what it was sent, when it last got something live, what it was told.</summary>
    private sealed class Socket : ILiveTailFollower
    {
        public ConcurrentDictionary<string, long> Sent { get; } = new();
        public ConcurrentDictionary<string, long> LiveAt { get; } = new();
        public List<(string Conversation, long Seq)> CaughtUp { get; } = [];
        public bool Closed { get; set; }
        public long? SentUpTo(string conversationId) => Sent.TryGetValue(conversationId, out var s) ? s : null;
        public long? LastLiveAtMs(string conversationId) => LiveAt.TryGetValue(conversationId, out var t) ? t : null;
        public void CatchUp(string conversationId, long seq) { lock (CaughtUp) CaughtUp.Add((conversationId, seq)); }
    }

    private static ConversationLog Direct(string id, int messages) => ConversationLog.Direct(id, messages);

    private static LiveTailWatch Watch(TestHistory history, TimeSpan? checkAfter = null) =>
        new(history.Store, checkAfter ?? CheckAfter, NullLogger<LiveTailWatch>.Instance);

    [Fact]
    public async Task A_socket_short_of_a_decided_seq_is_filled_once_the_check_is_due_and_not_before()
    {
        using var history = new TestHistory();
        var log = Direct("d1", 3);
        history.Apply([.. log.Events]);
        var watch = Watch(history);
        var socket = new Socket();
        socket.Sent["d1"] = 2;
        watch.Follow("d1", socket);

        watch.Decided(log.Events[2], T0, []);
        watch.Decided(log.Events[3], T0 + 100, []);
        Assert.Equal(0, await watch.SweepAsync(T0 + 4_999, default));
        Assert.Empty(socket.CaughtUp);
        Assert.Equal(1, await watch.SweepAsync(T0 + 5_100, default));
        // One check for the conversation's highest seq, which covers the lower one.
        Assert.Equal([("d1", 4L)], socket.CaughtUp);
        Assert.Equal(0, await watch.SweepAsync(T0 + 60_000, default));
    }

    [Fact]
    public async Task Sockets_that_got_there_live_are_left_alone_and_only_the_ones_short_of_it_are_filled()
    {
        using var history = new TestHistory();
        var log = Direct("d1", 2);
        history.Apply([.. log.Events]);
        var watch = Watch(history);
        var there = new Socket();
        there.Sent["d1"] = 3;
        var behind = new Socket();
        behind.Sent["d1"] = 1;
        watch.Follow("d1", there);
        watch.Follow("d1", behind);

        watch.Decided(log.Events[2], T0, []);
        Assert.Equal(1, await watch.SweepAsync(T0 + 6_000, default));
        Assert.Empty(there.CaughtUp);
        Assert.Equal([("d1", 3L)], behind.CaughtUp);
    }

    [Fact]
    public async Task A_socket_still_receiving_the_conversation_live_is_only_slow_and_is_checked_again_later()
    {
        using var history = new TestHistory();
        var log = Direct("d1", 4);
        history.Apply([.. log.Events]);
        var watch = Watch(history);
        var socket = new Socket();
        socket.Sent["d1"] = 2;
        socket.LiveAt["d1"] = T0 + 4_000; // an event of d1 arrived live after the decision
        watch.Follow("d1", socket);

        watch.Decided(log.Events[4], T0, []);
        Assert.Equal(0, await watch.SweepAsync(T0 + 5_000, default));
        Assert.Empty(socket.CaughtUp);
        // Live deliveries stopped short of seq 5: the next check fills the rest.
        socket.Sent["d1"] = 3;
        Assert.Equal(0, await watch.SweepAsync(T0 + 9_999, default));
        Assert.Equal(1, await watch.SweepAsync(T0 + 10_000, default));
        Assert.Equal([("d1", 5L)], socket.CaughtUp);
    }

    [Fact]
    public async Task While_history_does_not_hold_the_seq_the_check_waits_for_it_instead_of_filling()
    {
        using var history = new TestHistory();
        var log = Direct("d1", 3);
        history.Apply([.. log.Events.Take(3)]);
        var watch = Watch(history);
        var socket = new Socket();
        socket.Sent["d1"] = 2;
        watch.Follow("d1", socket);

        watch.Decided(log.Events[3], T0, []);
        Assert.Equal(0, await watch.SweepAsync(T0 + 5_000, default));
        Assert.Equal(0, await watch.SweepAsync(T0 + 6_000, default));
        history.Apply(log.Events[3]);
        Assert.Equal(1, await watch.SweepAsync(T0 + 7_000, default));
        Assert.Equal([("d1", 4L)], socket.CaughtUp);
    }

    [Fact]
    public async Task A_check_whose_seq_history_never_gets_is_given_up_after_a_while()
    {
        using var history = new TestHistory();
        var log = Direct("d1", 3);
        history.Apply([.. log.Events.Take(2)]);
        var watch = Watch(history);
        var socket = new Socket();
        socket.Sent["d1"] = 1;
        watch.Follow("d1", socket);

        watch.Decided(log.Events[3], T0, []);
        var giveUp = (long)LiveTailWatch.GiveUpAfter.TotalMilliseconds;
        for (var at = T0 + 5_000; at <= T0 + giveUp + 2_000; at += 1_000) await watch.SweepAsync(at, default);
        history.Apply([.. log.Events.Skip(2)]);
        Assert.Equal(0, await watch.SweepAsync(T0 + giveUp + 10_000, default));
        Assert.Empty(socket.CaughtUp);
    }

    [Fact]
    public async Task Refusals_unfollowed_conversations_and_closed_or_forgotten_sockets_cause_no_fills()
    {
        using var history = new TestHistory();
        var log = Direct("d1", 2);
        var other = Direct("d2", 2);
        history.Apply([.. log.Events, .. other.Events]);
        var watch = Watch(history);
        var forgotten = new Socket();
        var closed = new Socket { Closed = true };
        var refused = new Socket();
        refused.Sent["d1"] = 3;
        watch.Follow("d1", forgotten);
        watch.Follow("d1", closed);
        watch.Follow("d1", refused);
        watch.Forget(forgotten, ["d1"]);

        watch.Decided(log.Rejected("alice", "cmd-refused"), T0, []); // carries seq 3 but takes no position
        watch.Decided(other.Events[2], T0, []);                      // nobody here follows d2
        watch.Decided(log.Events[2], T0, []);
        Assert.Equal(0, await watch.SweepAsync(T0 + 6_000, default));
        Assert.Empty(forgotten.CaughtUp);
        Assert.Empty(closed.CaughtUp);
        Assert.Empty(refused.CaughtUp);
        // The closed socket was dropped; only the one still open follows d1.
        Assert.Equal(1, watch.FollowedConversations);
    }

    [Fact]
    public async Task A_socket_of_a_new_member_follows_the_conversation_from_its_creation()
    {
        using var history = new TestHistory();
        var log = new ConversationLog("g1");
        var created = log.Created("alice", ["bob", "carol"]);
        history.Apply(created);
        var watch = Watch(history);
        var bobsPhone = new Socket();

        Assert.Equal(["alice", "bob", "carol"], LiveTailWatch.NewMembers(created));
        watch.Decided(created, T0, [bobsPhone]);
        Assert.Equal(1, await watch.SweepAsync(T0 + 5_000, default));
        Assert.Equal([("g1", 1L)], bobsPhone.CaughtUp);
        Assert.Equal(["dave"], LiveTailWatch.NewMembers(log.Added("alice", "dave")));
    }

    [Fact]
    public async Task Turned_off_it_follows_nothing()
    {
        using var history = new TestHistory();
        var log = Direct("d1", 1);
        history.Apply([.. log.Events]);
        var watch = Watch(history, TimeSpan.Zero);
        var socket = new Socket();
        watch.Follow("d1", socket);
        watch.Decided(log.Events[1], T0, []);
        Assert.False(watch.Enabled);
        Assert.Equal(0, await watch.SweepAsync(T0 + 60_000, default));
        Assert.Equal(0, watch.FollowedConversations);
    }

    [Fact]
    public async Task A_resumed_connection_that_the_live_path_missed_gets_the_tail_from_history_in_order_once()
    {
        // The watch asks its own copy of the history store whether the seq is stored; the connection reads the
        // harness's. The test lands every event in both, as the history sink would in the one store they share.
        using var watchHistory = new TestHistory();
        var watch = Watch(watchHistory);
        await using var h = new ConnectionHarness(kafka, liveTail: watch);
        void Store(params ChatEvent[] events) { h.Apply(events); watchHistory.Apply(events); }
        var log = Direct("d1", 5); // seqs 1-6
        Store([.. log.Events.Take(3)]);
        h.Socket.Receive("""{"type":"resume","cursors":{"d1":1}}""");
        await h.Socket.WaitForAsync(f => FakeWebSocket.Type(f) == "resumed");

        // Seqs 4 and 5 are decided, but routed before the fan-out knew this socket: no live delivery comes.
        var now = Environment.TickCount64;
        watch.Decided(log.Events[3], now, []);
        watch.Decided(log.Events[4], now, []);
        Assert.Equal(0, await watch.SweepAsync(now + 1_000, default));
        Assert.Equal(0, await watch.SweepAsync(now + 5_000, default)); // not stored yet: wait for history
        Store(log.Events[3], log.Events[4]);
        Assert.Equal(1, await watch.SweepAsync(now + 6_000, default));
        await h.Socket.WaitForAsync(f => Seq(f) == 5);
        // A late live delivery of 5 is a repeat; 6 follows in order.
        Store(log.Events[5]);
        h.Connection.Deliver(Delivery(log.Events[4]));
        h.Connection.Deliver(Delivery(log.Events[5]));
        await h.Socket.WaitForAsync(f => Seq(f) == 6);
        Assert.Equal([2L, 3, 4, 5, 6], h.Socket.Frames.Select(Seq).Where(s => s > 0));
    }

    private static long Seq(JsonElement frame) =>
        frame.TryGetProperty("seq", out var seq) && seq.ValueKind == JsonValueKind.Number && FakeWebSocket.Type(frame) != "ack" ? seq.GetInt64() : 0;

    private static Delivery Delivery(ChatEvent e) => ConversationLog.DeliveryToAlice(e);
}
