using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ChatStreams.Edge.Connections;
using ChatStreams.Edge.Frames;
using ChatStreams.Edge.History;
using ChatStreams.Edge.Tests.Support;
using ChatStreams.Edge.Typing;
using chatstreams.v1;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge.Tests.Connections;

public sealed class ClientConnectionTests(UnreachableKafka kafka) : IClassFixture<UnreachableKafka>
{
    private static string Type(JsonElement frame) => FakeWebSocket.Type(frame);

    private static string? Str(JsonElement frame, string name) =>
        frame.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool IsEvent(JsonElement frame) =>
        Type(frame) is "message" or "edited" or "deleted" or "reaction" or "conversation" or "member_added" or "member_removed";

    /// <summary>The sequenced frames sent, as "conversation:seq".</summary>
    private static List<string> Sequenced(IEnumerable<JsonElement> frames) =>
        frames.Where(IsEvent).Select(f => $"{Str(f, "conversationId")}:{f.GetProperty("seq").GetInt64()}").ToList();

    private static Delivery Delivery(ChatEvent e) => ConversationLog.DeliveryToAlice(e);

    private static ConversationLog Direct(string id, int messages) => ConversationLog.Direct(id, messages);

    /// <summary>A marker frame through the same queue: once it is out, everything queued before it was handled.</summary>
    private static async Task<IReadOnlyList<JsonElement>> FlushAsync(ConnectionHarness h)
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        h.Connection.Send(ServerFrames.Reconnect("marker", marker));
        await h.Socket.WaitForAsync(f => Str(f, "message") == marker);
        var frames = h.Socket.Frames;
        return frames.Where(f => Str(f, "message") != marker).ToList();
    }

    [Fact]
    public async Task Events_go_out_in_seq_order_and_repeats_are_dropped()
    {
        await using var h = new ConnectionHarness(kafka);
        var log = Direct("d1", 3);
        foreach (var e in log.Events) h.Apply(e);
        await h.PingAsync();

        foreach (var seq in new[] { 1, 2, 2, 1, 3, 4, 3 }) h.Connection.Deliver(Delivery(log.Events[seq - 1]));
        Assert.Equal(["d1:1", "d1:2", "d1:3", "d1:4"], Sequenced(await FlushAsync(h)));
    }

    [Fact]
    public async Task Conversations_are_ordered_independently()
    {
        await using var h = new ConnectionHarness(kafka);
        var a = Direct("a", 2);
        var b = Direct("b", 2);
        await h.PingAsync();
        h.Connection.Deliver(Delivery(a.Events[0]));
        h.Connection.Deliver(Delivery(b.Events[0]));
        h.Connection.Deliver(Delivery(b.Events[1]));
        h.Connection.Deliver(Delivery(a.Events[1]));
        h.Connection.Deliver(Delivery(a.Events[0]));
        Assert.Equal(["a:1", "b:1", "b:2", "a:2"], Sequenced(await FlushAsync(h)));
    }

    [Fact]
    public async Task A_hole_is_filled_from_history_before_the_event_after_it()
    {
        await using var h = new ConnectionHarness(kafka);
        var log = Direct("d1", 5);
        foreach (var e in log.Events) h.Apply(e);
        await h.PingAsync();

        h.Connection.Deliver(Delivery(log.Events[0]));
        h.Connection.Deliver(Delivery(log.Events[4])); // 2, 3, 4 never reached this edge
        h.Connection.Deliver(Delivery(log.Events[2])); // a late repeat
        h.Connection.Deliver(Delivery(log.Events[5]));
        var frames = await FlushAsync(h);
        Assert.Equal(["d1:1", "d1:2", "d1:3", "d1:4", "d1:5", "d1:6"], Sequenced(frames));
        // Filled events are the same frames as live ones.
        Assert.Equal(Encoding.UTF8.GetString(ServerFrames.Event(log.Events[2])), frames.Where(IsEvent).ElementAt(2).GetRawText());
    }

    [Fact]
    public async Task A_fill_waits_for_history_to_catch_up()
    {
        await using var h = new ConnectionHarness(kafka);
        var log = Direct("d1", 3);
        h.Apply(log.Events[0]);
        await h.PingAsync();

        h.Connection.Deliver(Delivery(log.Events[0]));
        h.Connection.Deliver(Delivery(log.Events[3])); // history has only seq 1 yet
        await h.Socket.WaitForAsync(f => IsEvent(f) && f.GetProperty("seq").GetInt64() == 1);
        foreach (var e in log.Events.Skip(1)) h.Apply(e);
        Assert.Equal(["d1:1", "d1:2", "d1:3", "d1:4"], Sequenced(await FlushAsync(h)));
    }

    [Fact]
    public async Task A_fill_skips_what_the_user_may_not_read()
    {
        await using var h = new ConnectionHarness(kafka, userId: "carol");
        var log = new ConversationLog("g1");
        log.Created("alice", ["bob"]);
        log.Sent("alice", "before carol"); // 2
        log.Added("alice", "carol");       // 3
        log.Sent("bob", "hi carol");       // 4
        log.Sent("alice", "welcome");      // 5
        foreach (var e in log.Events) h.Apply(e);
        await h.PingAsync();

        h.Connection.Deliver(Delivery(log.Events[2]));
        h.Connection.Deliver(Delivery(log.Events[4]));
        Assert.Equal(["g1:3", "g1:4", "g1:5"], Sequenced(await FlushAsync(h)));
    }

    [Fact]
    public async Task A_hole_history_cannot_fill_in_time_asks_the_client_to_resume_later()
    {
        await using var h = new ConnectionHarness(kafka, ConnectionHarness.Options(o => o.HistoryWait = TimeSpan.FromMilliseconds(100)));
        var log = Direct("d1", 3);
        h.Apply(log.Events[0]);
        await h.PingAsync();

        h.Connection.Deliver(Delivery(log.Events[0]));
        h.Connection.Deliver(Delivery(log.Events[3]));
        var reconnect = await h.Socket.WaitForAsync(f => Type(f) == "reconnect");
        Assert.Equal(CloseReasons.HistoryUnavailable, Str(reconnect, "reason"));
        await h.EndedAsync();
        Assert.Equal(CloseReasons.HistoryUnavailable, h.Connection.CloseReason);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, h.Socket.CloseStatus);
        Assert.Equal(["d1:1"], Sequenced(h.Socket.Frames)); // never seq 4 with 2 and 3 missing
    }

    [Fact]
    public async Task Resume_sends_the_missing_events_then_resumed_then_live_events_without_duplicates()
    {
        await using var h = new ConnectionHarness(kafka);
        var direct = Direct("d1", 5);  // seqs 1-6
        var other = Direct("d2", 1);   // seqs 1-2
        foreach (var e in direct.Events.Take(5).Concat(other.Events)) h.Apply(e);

        // Live events reach the connection before its resume frame: they wait for it.
        h.Connection.Deliver(Delivery(direct.Events[4]));
        h.Socket.Receive("""{"type":"resume","cursors":{"d1":2,"d2":2,"nowhere":3}}""");
        var resumed = await h.Socket.WaitForAsync(f => Type(f) == "resumed");
        h.Apply(direct.Events[5]);
        h.Connection.Deliver(Delivery(direct.Events[4]));
        h.Connection.Deliver(Delivery(direct.Events[5]));
        h.Connection.Deliver(Delivery(other.Events[1]));
        var frames = await FlushAsync(h);

        Assert.Equal("""{"type":"resumed","cursors":{"d1":5,"d2":2}}""", resumed.GetRawText());
        var order = frames.Select(f => IsEvent(f) ? $"{Str(f, "conversationId")}:{f.GetProperty("seq").GetInt64()}" : Type(f)).ToList();
        // d2 is at its head already; the cursor of a conversation alice is not in is refused, the others are served.
        Assert.Equal(["d1:3", "d1:4", "d1:5", "error", "resumed", "d1:6"], order);
        var error = frames.Single(f => Type(f) == "error");
        Assert.Equal((ErrorCodes.NotMember, "nowhere"), (Str(error, "code"), Str(error, "conversationId")));
    }

    [Fact]
    public async Task Resume_never_moves_a_conversation_backwards()
    {
        await using var h = new ConnectionHarness(kafka);
        var log = Direct("d1", 3);
        foreach (var e in log.Events) h.Apply(e);
        await h.PingAsync();
        foreach (var e in log.Events) h.Connection.Deliver(Delivery(e));
        await h.Socket.WaitForAsync(f => IsEvent(f) && f.GetProperty("seq").GetInt64() == 4);

        h.Socket.Receive("""{"type":"resume","cursors":{"d1":1}}""");
        var resumed = await h.Socket.WaitForAsync(f => Type(f) == "resumed");
        Assert.Equal(4, resumed.GetProperty("cursors").GetProperty("d1").GetInt64());
        Assert.Equal(["d1:1", "d1:2", "d1:3", "d1:4"], Sequenced(await FlushAsync(h)));
    }

    /// <summary>Runs late-resume rounds until one resumed a socket (the pump queues it just after its resumed frame), for up to 10 s.</summary>
    private static Task<int> LateRoundAsync(ConnectionHarness h) => Task.Run(async () =>
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        int resumed;
        while ((resumed = await h.LateResumes.RunRoundAsync(CancellationToken.None)) == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);
        return resumed;
    });

    [Fact]
    public async Task A_resume_while_history_is_behind_gets_what_was_decided_before_it_once_history_catches_up()
    {
        await using var h = new ConnectionHarness(kafka);
        var older = Direct("d1", 2);   // seqs 1-3: 1-2 stored, 3 decided but not stored yet
        var created = Direct("d2", 0); // seq 1 decided a moment ago, not stored yet
        h.Apply(older.Events[0], older.Events[1]);
        var stored = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var waits = 0;
        h.Store.CatchUp = (_, _) => Interlocked.Increment(ref waits) == 1 ? Task.FromResult(false) : stored.Task;

        h.Socket.Receive("""{"type":"resume","cursors":{"d1":1,"d2":0}}""");
        var resumed = await h.Socket.WaitForAsync(f => Type(f) == "resumed");
        // Served from what the store holds; d2, not in the store yet, is neither refused nor in resumed.
        Assert.Equal("""{"type":"resumed","cursors":{"d1":2}}""", resumed.GetRawText());

        // Nothing more is decided in either conversation: no live event will reveal what is missing.
        var round = LateRoundAsync(h);
        h.Apply(older.Events[2], created.Events[0]);
        stored.SetResult(true);
        Assert.Equal(1, await round);

        var frames = await FlushAsync(h);
        var order = frames.Select(f => IsEvent(f) ? $"{Str(f, "conversationId")}:{f.GetProperty("seq").GetInt64()}" : Type(f)).ToList();
        Assert.Equal(["d1:2", "resumed", "d1:3", "d2:1"], order);

        // Live copies of what the late resume sent are repeats.
        h.Connection.Deliver(Delivery(older.Events[2]));
        h.Connection.Deliver(Delivery(created.Events[0]));
        Assert.Equal(["d1:2", "d1:3", "d2:1"], Sequenced(await FlushAsync(h)));
    }

    [Fact]
    public async Task A_cursor_for_a_conversation_history_does_not_hold_is_refused_only_once_history_caught_up()
    {
        await using var h = new ConnectionHarness(kafka);
        var log = Direct("d1", 1);
        foreach (var e in log.Events) h.Apply(e);
        var waits = 0;
        h.Store.CatchUp = (_, _) => Task.FromResult(Interlocked.Increment(ref waits) > 1);

        h.Socket.Receive("""{"type":"resume","cursors":{"d1":0,"nowhere":3}}""");
        var resumed = await h.Socket.WaitForAsync(f => Type(f) == "resumed");
        Assert.Equal("""{"type":"resumed","cursors":{"d1":2}}""", resumed.GetRawText());
        Assert.DoesNotContain(h.Socket.Frames, f => Type(f) == "error");

        Assert.Equal(1, await LateRoundAsync(h));
        var frames = await FlushAsync(h);
        var error = frames.Single(f => Type(f) == "error");
        Assert.Equal((ErrorCodes.NotMember, "nowhere"), (Str(error, "code"), Str(error, "conversationId")));
        Assert.Equal(["d1:1", "d1:2"], Sequenced(frames)); // d1 is not sent twice
    }

    [Fact]
    public async Task A_resume_with_history_caught_up_is_not_resumed_again()
    {
        await using var h = new ConnectionHarness(kafka);
        var log = Direct("d1", 1);
        foreach (var e in log.Events) h.Apply(e);
        h.Socket.Receive("""{"type":"resume","cursors":{"d1":0,"nowhere":3}}""");
        var frames = await FlushAsync(h); // the pump is past the resume: a late one would be queued by now
        Assert.Equal(0, await h.LateResumes.RunRoundAsync(CancellationToken.None));
        Assert.Contains(frames, f => Type(f) == "error" && Str(f, "conversationId") == "nowhere");
    }

    [Fact]
    public async Task Resume_at_the_head_sends_only_resumed()
    {
        await using var h = new ConnectionHarness(kafka);
        var log = Direct("d1", 2);
        foreach (var e in log.Events) h.Apply(e);
        h.Socket.Receive("""{"type":"resume","cursors":{"d1":3}}""");
        var frames = await h.Socket.WaitForFramesAsync(1);
        Assert.Equal("""{"type":"resumed","cursors":{"d1":3}}""", frames.Single().GetRawText());
        h.Apply(log.Sent("bob", "next"));
        h.Connection.Deliver(Delivery(log.Events[3]));
        Assert.Equal(["d1:4"], Sequenced(await FlushAsync(h)));
    }

    [Fact]
    public async Task A_removed_member_resumes_up_to_their_removal()
    {
        await using var h = new ConnectionHarness(kafka, userId: "carol");
        var log = new ConversationLog("g1");
        log.Created("alice", ["bob", "carol"]);
        log.Sent("alice", "one");
        log.Removed("alice", "carol");
        log.Sent("alice", "secret");
        foreach (var e in log.Events) h.Apply(e);
        h.Socket.Receive("""{"type":"resume","cursors":{"g1":1}}""");
        await h.Socket.WaitForAsync(f => Type(f) == "resumed");
        Assert.Equal(["g1:2", "g1:3"], Sequenced(h.Socket.Frames));
    }

    [Fact]
    public async Task Events_are_held_until_the_clients_first_frame()
    {
        await using var h = new ConnectionHarness(kafka);
        var log = Direct("d1", 1);
        h.Connection.Deliver(Delivery(log.Events[0]));
        h.Connection.Deliver(Delivery(log.Events[1]));
        Assert.Empty(Sequenced(await FlushAsync(h)));

        h.Socket.Receive("""{"type":"ping"}""");
        var frames = await h.Socket.WaitForFramesAsync(4);
        // The flush marker went out while the events were held; the answer to the first frame goes before them.
        Assert.Equal(["reconnect", "pong", "message", "message"],
            frames.Select(f => IsEvent(f) ? "message" : Type(f)));
        Assert.Equal(["d1:1", "d1:2"], Sequenced(frames));
    }

    [Fact]
    public async Task A_bad_first_frame_releases_held_events_too()
    {
        await using var h = new ConnectionHarness(kafka);
        var log = Direct("d1", 0);
        h.Connection.Deliver(Delivery(log.Events[0]));
        h.Socket.Receive("nonsense");
        var frames = await h.Socket.WaitForFramesAsync(2);
        Assert.Equal(["error", "conversation"], frames.Select(Type));
    }

    [Fact]
    public async Task Held_events_go_out_after_the_resume_grace_when_the_client_stays_silent()
    {
        await using var h = new ConnectionHarness(kafka, ConnectionHarness.Options(o => o.ResumeGrace = TimeSpan.FromMilliseconds(50)));
        var log = Direct("d1", 1);
        h.Connection.Deliver(Delivery(log.Events[0]));
        h.Connection.Deliver(Delivery(log.Events[1]));
        Assert.Equal(["d1:1", "d1:2"], Sequenced(await h.Socket.WaitForFramesAsync(2)));
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_disconnected_as_a_slow_consumer()
    {
        const int capacity = 16;
        await using var h = new ConnectionHarness(kafka, ConnectionHarness.Options(o => o.SendQueueCapacity = capacity));
        h.Socket.StallSends = true;
        h.Connection.Send(ServerFrames.Pong);
        // The pump is stuck sending the first frame; the queue takes capacity more.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Volatile.Read(ref h.Socket.StalledSends) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the pump never tried to send");
            await Task.Delay(5);
        }
        for (var i = 0; i < capacity; i++) h.Connection.Send(ServerFrames.Pong);
        Assert.False(h.Run.IsCompleted);
        Assert.Equal(CloseReasons.ClientClosed, h.Connection.CloseReason); // still open: the queue is exactly full

        h.Connection.Send(ServerFrames.Pong);
        await h.EndedAsync();
        Assert.Equal(CloseReasons.SlowConsumer, h.Connection.CloseReason);
        // Cancelling the stuck send aborts the socket: a client that does not read gets no close frame either.
        Assert.Equal(WebSocketState.Aborted, h.Socket.State);
        Assert.Empty(h.Socket.Sent);
    }

    [Fact]
    public async Task Deliveries_to_a_slow_consumer_count_as_well()
    {
        const int capacity = 16;
        await using var h = new ConnectionHarness(kafka, ConnectionHarness.Options(o => o.SendQueueCapacity = capacity));
        h.Socket.StallSends = true;
        for (var i = 0; i < capacity + 2; i++)
            h.Connection.Deliver(new Delivery { UserId = "alice", CreatedAt = ConversationLog.Epoch, Payload = new PresenceChange
            {
                UserId = "bob", Status = PresenceStatus.Online, LastSeen = ConversationLog.Epoch, DevicesOnline = 1,
            } });
        await h.EndedAsync();
        Assert.Equal(CloseReasons.SlowConsumer, h.Connection.CloseReason);
    }

    [Fact]
    public async Task An_oversized_frame_is_too_large_and_the_connection_stays_open()
    {
        await using var h = new ConnectionHarness(kafka, ConnectionHarness.Options(o => o.MaxFrameBytes = 1024));
        h.Socket.Receive($$"""{"type":"send","id":"big","conversationId":"c1","body":"{{new string('x', 5000)}}"}""");
        h.Socket.Receive("""{"type":"ping"}""");
        var frames = await h.Socket.WaitForFramesAsync(2);
        Assert.Equal("""{"type":"error","code":"too_large","message":"the frame is larger than 1024 bytes and was discarded"}""", frames[0].GetRawText());
        Assert.Equal("pong", Type(frames[1]));
        Assert.False(h.Run.IsCompleted);
    }

    [Fact]
    public async Task A_frame_of_exactly_the_limit_is_accepted()
    {
        await using var h = new ConnectionHarness(kafka, ConnectionHarness.Options(o => o.MaxFrameBytes = 1024));
        var ping = """{"type":"ping","pad":""}""";
        ping = ping.Insert(ping.Length - 2, new string('p', 1024 - ping.Length));
        Assert.Equal(1024, Encoding.UTF8.GetByteCount(ping));
        h.Socket.Receive(ping);
        Assert.Equal("pong", Type((await h.Socket.WaitForFramesAsync(1))[0]));
    }

    [Fact]
    public async Task A_binary_message_is_a_bad_frame()
    {
        await using var h = new ConnectionHarness(kafka);
        h.Socket.Receive(Encoding.UTF8.GetBytes("""{"type":"ping"}"""), WebSocketMessageType.Binary);
        h.Socket.Receive("""{"type":"ping"}""");
        var frames = await h.Socket.WaitForFramesAsync(2);
        Assert.Equal("""{"type":"error","code":"bad_frame","message":"frames are JSON text messages; a binary message was discarded"}""", frames[0].GetRawText());
        Assert.Equal("pong", Type(frames[1]));
    }

    [Fact]
    public async Task An_invalid_frame_is_answered_with_bad_frame_echoing_its_id()
    {
        await using var h = new ConnectionHarness(kafka);
        h.Socket.Receive("{not json");
        h.Socket.Receive("""{"type":"send","id":"m1","conversationId":"c1"}""");
        h.Socket.Receive("""{"type":"ping"}""");
        var frames = await h.Socket.WaitForFramesAsync(3);
        Assert.Equal(("error", "bad_frame", null), (Type(frames[0]), Str(frames[0], "code"), Str(frames[0], "id")));
        Assert.StartsWith("the frame is not valid JSON", Str(frames[0], "message"));
        Assert.Equal("""{"type":"error","code":"bad_frame","message":"\"body\" is missing","id":"m1"}""", frames[1].GetRawText());
        Assert.Equal("pong", Type(frames[2]));
    }

    [Fact]
    public async Task Frames_beyond_the_connections_burst_are_rate_limited()
    {
        using var bucket = ConnectionHarness.Bucket(3);
        await using var h = new ConnectionHarness(kafka, connectionRate: bucket);
        for (var i = 0; i < 3; i++) h.Socket.Receive("""{"type":"ping"}""");
        h.Socket.Receive("""{"type":"send","id":"m9","conversationId":"c1","body":"hi"}""");
        h.Socket.Receive("""{"type":"ping"}""");
        h.Socket.Receive(new byte[] { 1 }, WebSocketMessageType.Binary);
        var frames = await h.Socket.WaitForFramesAsync(6);
        Assert.Equal(["pong", "pong", "pong", "error", "error", "error"], frames.Select(Type));
        Assert.All(frames.Skip(3), f => Assert.Equal(ErrorCodes.RateLimited, Str(f, "code")));
        Assert.Equal("m9", Str(frames[3], "id")); // not processed, so never a command: the client resends it
        Assert.Null(Str(frames[4], "id"));
        Assert.Contains("at most 20/s per connection and 40/s per user", Str(frames[3], "message"));
    }

    [Fact]
    public async Task The_users_bucket_is_shared_by_their_connections()
    {
        using var userBucket = ConnectionHarness.Bucket(3);
        await using var phone = new ConnectionHarness(kafka, userRate: userBucket);
        await using var laptop = new ConnectionHarness(kafka, userRate: userBucket);
        phone.Socket.Receive("""{"type":"ping"}""");
        phone.Socket.Receive("""{"type":"ping"}""");
        await phone.Socket.WaitForFramesAsync(2);
        laptop.Socket.Receive("""{"type":"ping"}""");
        laptop.Socket.Receive("""{"type":"ping"}""");
        var frames = await laptop.Socket.WaitForFramesAsync(2);
        Assert.Equal(["pong", "error"], frames.Select(Type));
        Assert.Equal(ErrorCodes.RateLimited, Str(frames[1], "code"));
    }

    [Fact]
    public async Task Typing_in_a_conversation_of_others_is_not_member()
    {
        await using var h = new ConnectionHarness(kafka);
        var signals = new List<TypingSignal>();
        h.Typing.Subscribe(s => { lock (signals) signals.Add(s); });
        h.Apply(new ConversationLog("theirs").Created("bob", ["carol"]));
        h.Socket.Receive("""{"type":"typing","conversationId":"theirs","state":"start"}""");
        h.Socket.Receive("""{"type":"typing","conversationId":"nowhere","state":"start"}""");
        var frames = await h.Socket.WaitForFramesAsync(2);
        Assert.Equal("""{"type":"error","code":"not_member","message":"you are not a member of conversation 'theirs'","conversationId":"theirs"}""", frames[0].GetRawText());
        Assert.Equal("nowhere", Str(frames[1], "conversationId"));
        lock (signals) Assert.Empty(signals);
    }

    [Fact]
    public async Task Typing_of_a_member_goes_on_the_typing_bus()
    {
        await using var h = new ConnectionHarness(kafka);
        var signals = new List<TypingSignal>();
        h.Typing.Subscribe(s => { lock (signals) signals.Add(s); });
        h.Apply(Direct("d1", 0).Events[0]);
        h.Socket.Receive("""{"type":"typing","conversationId":"d1","state":"start"}""");
        h.Socket.Receive("""{"type":"typing","conversationId":"d1","state":"stop"}""");
        await h.PingAsync();
        lock (signals)
            Assert.Equal([new TypingSignal("d1", "alice", h.Connection.ConnectionId, true), new TypingSignal("d1", "alice", h.Connection.ConnectionId, false)], signals);
        Assert.DoesNotContain(h.Socket.Frames, f => Type(f) == "error");
    }

    [Fact]
    public async Task A_send_kafka_cannot_take_is_unavailable_with_its_id_and_the_connection_stays_open()
    {
        // Nothing listens where the schema registry and Kafka should be: the command cannot even be serialized.
        await using var h = new ConnectionHarness(kafka);
        h.Apply(Direct("d1", 0).Events[0]);
        h.Socket.Receive("""{"type":"send","id":"m1","conversationId":"d1","body":"hello"}""");
        var error = await h.Socket.WaitForAsync(f => Type(f) == "error");
        Assert.Equal(("unavailable", "m1", "d1"), (Str(error, "code"), Str(error, "id"), Str(error, "conversationId")));
        Assert.Contains("send it again with the same id", Str(error, "message"));
        await h.PingAsync();
    }

    [Fact]
    public async Task A_send_with_media_that_is_not_the_senders_own_upload_for_this_conversation_is_refused()
    {
        await using var h = new ConnectionHarness(kafka);
        h.Apply(Direct("d1", 0).Events[0]);
        var bobs = await h.Media.AddAsync("bob", "d1");
        var elsewhere = await h.Media.AddAsync("alice", "other");
        var notUploaded = await h.Media.AddAsync("alice", "d1", uploaded: false);
        var cases = new[] { (bobs.MediaId, "not a file you uploaded"), ("0123456789abcdef0123456789abcdef", "not a file you uploaded"),
            ("../etc", "not a file you uploaded"), (elsewhere.MediaId, "uploaded for conversation 'other'"), (notUploaded.MediaId, "not been uploaded yet") };
        foreach (var (mediaId, reason) in cases)
        {
            var before = h.Socket.Sent.Count;
            h.Socket.Receive($$"""{"type":"send","id":"m-{{mediaId}}","conversationId":"d1","body":"look","attachments":["{{mediaId}}"]}""");
            var error = await h.Socket.WaitForAsync(f => Type(f) == "error", before);
            Assert.Equal(("invalid_attachment", $"m-{mediaId}", "d1"), (Str(error, "code"), Str(error, "id"), Str(error, "conversationId")));
            Assert.Contains(reason, Str(error, "message"));
        }
        // The sender's own upload passes and the send goes on to Kafka (unreachable here: unavailable, not invalid_attachment).
        var own = await h.Media.AddAsync("alice", "d1");
        var last = h.Socket.Sent.Count;
        h.Socket.Receive($$"""{"type":"send","id":"m-own","conversationId":"d1","body":"","attachments":["{{own.MediaId}}"]}""");
        Assert.Equal("unavailable", Str(await h.Socket.WaitForAsync(f => Type(f) == "error", last), "code"));
    }

    [Fact]
    public async Task A_send_whose_attachments_cannot_be_checked_is_unavailable_and_the_socket_stays()
    {
        // A catalog file under a regular file: opening it fails as an unreachable database does.
        using var folder = new ChatStreams.TestSupport.TempDirectory("broken-catalog");
        File.WriteAllText(folder.Sub("file"), "");
        var catalog = new ChatStreams.Media.Catalog.SqliteMediaCatalog(folder.Sub("file/catalog.db"));
        var store = new ChatStreams.Media.Stores.LocalMediaStore(folder.Sub("media"), new ChatStreams.Media.Stores.MediaUrlSigner(new byte[32]));
        var broken = new ChatStreams.Edge.Media.MediaAttachments(catalog, new ChatStreams.Media.UploadConfirmation(catalog, store, TimeProvider.System));
        await using var h = new ConnectionHarness(kafka, media: broken);
        h.Apply(Direct("d1", 0).Events[0]);
        h.Socket.Receive($$"""{"type":"send","id":"m1","conversationId":"d1","body":"look","attachments":["{{ChatStreams.Media.MediaRecord.NewId()}}"]}""");
        var error = await h.Socket.WaitForAsync(f => Type(f) == "error");
        Assert.Equal(("unavailable", "m1"), (Str(error, "code"), Str(error, "id")));
        Assert.Contains("attachments could not be checked", Str(error, "message"));
        await h.PingAsync(); // still served
    }

    [Fact]
    public async Task Command_outcomes_become_error_and_ack_frames()
    {
        await using var h = new ConnectionHarness(kafka);
        h.Connection.Deliver(new Delivery
        {
            UserId = "alice", DeviceId = "phone", ConversationId = "c1", CreatedAt = ConversationLog.Epoch,
            Payload = new CommandOutcome { CommandId = "k", ClientMessageId = "m1", Status = CommandStatus.Rejected, Seq = 0, Code = "not_member", Reason = "you are not a member of conversation c1" },
        });
        h.Connection.Deliver(new Delivery
        {
            UserId = "alice", DeviceId = "phone", ConversationId = "c1", CreatedAt = ConversationLog.Epoch,
            Payload = new CommandOutcome { CommandId = "k", ClientMessageId = "m2", Status = CommandStatus.Duplicate, Seq = 7 },
        });
        var frames = await h.Socket.WaitForFramesAsync(2);
        Assert.Equal("""{"type":"error","code":"not_member","message":"you are not a member of conversation c1","id":"m1","conversationId":"c1"}""", frames[0].GetRawText());
        Assert.Equal("""{"type":"ack","id":"m2","conversationId":"c1","seq":7,"duplicate":true}""", frames[1].GetRawText());
    }

    [Fact]
    public async Task Receipts_and_presence_are_not_held_back()
    {
        await using var h = new ConnectionHarness(kafka);
        h.Connection.Deliver(new Delivery
        {
            UserId = "alice", ConversationId = "c1", CreatedAt = ConversationLog.Epoch,
            Payload = new ReceiptUpdate { ConversationId = "c1", UserId = "bob", DeliveredSeq = 4, ReadSeq = 3, At = ConversationLog.Epoch },
        });
        h.Connection.Deliver(new Delivery
        {
            UserId = "alice", CreatedAt = ConversationLog.Epoch,
            Payload = new PresenceChange { UserId = "bob", Status = PresenceStatus.Offline, LastSeen = ConversationLog.Epoch, DevicesOnline = 0 },
        });
        var frames = await h.Socket.WaitForFramesAsync(3);
        Assert.Equal([("receipt", "delivered"), ("receipt", "read"), ("presence", "offline")], frames.Select(f => (Type(f), Str(f, "status"))));
    }

    [Fact]
    public async Task An_event_delivered_with_its_issuers_receipt_brings_the_receipt_frames_and_without_the_mark_it_does_not()
    {
        await using var h = new ConnectionHarness(kafka);
        var log = Direct("d1", 2);
        foreach (var e in log.Events) h.Apply(e);
        await h.PingAsync();
        var (first, second) = (log.Events[1], log.Events[2]);
        first.IssuerReceipt = new ReceiptUpdate
        {
            ConversationId = "d1", UserId = first.UserId, DeliveredSeq = first.Seq, ReadSeq = first.Seq, At = ConversationLog.Epoch,
            ReadByAllSeq = 1, DeliveredToAllSeq = 1, CoveredSenders = ["alice"], CarriedBySeq = first.Seq,
        };
        second.IssuerReceipt = new ReceiptUpdate
        {
            ConversationId = "d1", UserId = second.UserId, DeliveredSeq = second.Seq, ReadSeq = second.Seq, At = ConversationLog.Epoch, CarriedBySeq = second.Seq,
        };
        h.Connection.Deliver(Delivery(log.Events[0]));
        var marked = Delivery(first);
        marked.WithIssuerReceipt = true;
        h.Connection.Deliver(marked);
        h.Connection.Deliver(Delivery(second)); // carries a receipt, but not for this recipient

        var frames = await FlushAsync(h);
        Assert.Equal(["d1:1", "d1:2", "d1:3"], Sequenced(frames));
        var receipts = frames.Where(f => Type(f) == "receipt").ToList();
        Assert.Equal([("delivered", first.Seq), ("read", first.Seq)], receipts.Select(f => (Str(f, "status")!, f.GetProperty("seq").GetInt64())));
        Assert.All(receipts, f => Assert.Equal((first.UserId, "d1"), (Str(f, "userId"), Str(f, "conversationId"))));
    }

    [Fact]
    public async Task A_client_close_ends_the_connection_as_client_closed()
    {
        var h = new ConnectionHarness(kafka);
        await h.PingAsync();
        h.Socket.ReceiveClose();
        await h.EndedAsync();
        Assert.Equal(CloseReasons.ClientClosed, h.Connection.CloseReason);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, h.Socket.CloseStatus);
        Assert.Equal("bye", h.Socket.CloseStatusDescription);
        Assert.Equal(WebSocketState.Closed, h.Socket.State);
        await h.DisposeAsync();
    }

    [Fact]
    public async Task RequestClose_says_why_after_the_frames_before_it_and_closes()
    {
        await using var h = new ConnectionHarness(kafka);
        h.Connection.Send(ServerFrames.Pong);
        h.Connection.RequestClose(CloseReasons.EdgeDraining, "this edge is shutting down; reconnect and resume");
        await h.EndedAsync();
        var frames = h.Socket.Frames;
        Assert.Equal(["pong", "reconnect"], frames.Select(Type));
        Assert.Equal(CloseReasons.EdgeDraining, Str(frames[1], "reason"));
        Assert.Equal(CloseReasons.EdgeDraining, h.Connection.CloseReason);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, h.Socket.CloseStatus);
        Assert.Equal("edge_draining: this edge is shutting down; reconnect and resume", h.Socket.CloseStatusDescription);
    }

    [Fact]
    public async Task Cancelling_the_request_ends_the_connection()
    {
        using var aborted = new CancellationTokenSource();
        var socket = new FakeWebSocket();
        using var store = new TestHistory();
        var history = store.History;
        using var rate = ConnectionHarness.Bucket(10);
        var options = ConnectionHarness.Options();
        var connection = new ClientConnection(socket, "alice", "phone", options, history, rate, rate, NullLogger.Instance);
        using var media = new TestMedia();
        var handler = new ClientFrameHandler(kafka.Commands, new InProcessTypingBus(), history, media.Attachments, Options.Create(options),
            TimeProvider.System, NullLogger<ClientFrameHandler>.Instance);
        var run = connection.RunAsync(handler, aborted.Token);
        aborted.Cancel();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(CloseReasons.Error, connection.CloseReason);
    }

    [Fact]
    public async Task A_client_that_never_answers_the_close_is_aborted()
    {
        await using var h = new ConnectionHarness(kafka);
        h.Socket.AnswersClose = false;
        h.Connection.RequestClose(CloseReasons.EdgeDraining, "bye");
        await h.EndedAsync();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, h.Socket.CloseStatus);
        Assert.Equal(WebSocketState.Aborted, h.Socket.State);
    }

    [Fact]
    public async Task A_socket_whose_token_expired_is_told_so_and_closed()
    {
        await using var h = new ConnectionHarness(kafka);
        h.Connection.ExpireAt(DateTimeOffset.UtcNow.AddMilliseconds(-1), TimeProvider.System);
        await h.EndedAsync();
        var frames = h.Socket.Frames;
        Assert.Contains(frames, f => f.GetProperty("type").GetString() == "error" && f.GetProperty("code").GetString() == "unauthorized");
        Assert.Equal("token_expired", frames.Last(f => f.GetProperty("type").GetString() == "reconnect").GetProperty("reason").GetString());
        Assert.Equal(CloseReasons.TokenExpired, h.Connection.CloseReason);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, h.Socket.CloseStatus);
    }
}
