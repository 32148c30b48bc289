using System.Text;
using ChatStreams.Edge.Frames;
using ChatStreams.Edge.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Edge.Tests.Frames;

/// <summary>The exact JSON text of every server frame: clients parse these, so any change is a protocol change.</summary>
public sealed class ServerFramesTests
{
    private static readonly DateTime At = new(2025, 3, 4, 5, 6, 7, 89, DateTimeKind.Utc);

    private static string Text(byte[] frame) => Encoding.UTF8.GetString(frame);

    private static ChatEvent Event(long seq, object payload, string? clientMessageId = null) => new()
    {
        ConversationId = "c1",
        Seq = seq,
        EventId = "e",
        CommandId = "cmd",
        ClientMessageId = clientMessageId,
        UserId = "alice",
        DeviceId = "phone",
        OccurredAt = At,
        Payload = payload,
    };

    [Fact]
    public void Ready() => Assert.Equal(
        """{"type":"ready","userId":"alice","deviceId":"phone","edge":"edge-0","connectionId":"k1","maxFrameBytes":65536}""",
        Text(ServerFrames.Ready("alice", "phone", "edge-0", "k1", new EdgeOptions { Id = "edge-0" })));

    [Fact]
    public void Ack_of_a_durable_send_has_no_seq() =>
        Assert.Equal("""{"type":"ack","id":"m1","conversationId":"c1"}""", Text(ServerFrames.Ack("m1", "c1")));

    [Fact]
    public void Ack_of_a_resend_has_the_original_seq_and_says_duplicate()
    {
        Assert.Equal("""{"type":"ack","id":"m1","conversationId":"c1","seq":7,"duplicate":true}""", Text(ServerFrames.Ack("m1", "c1", 7, duplicate: true)));
        Assert.Equal("""{"type":"ack","id":"m1","conversationId":"c1","seq":7}""", Text(ServerFrames.Ack("m1", "c1", 7)));
        Assert.Equal("""{"type":"ack","conversationId":"c1"}""", Text(ServerFrames.Ack(null, "c1")));
    }

    [Fact]
    public void Error()
    {
        Assert.Equal("""{"type":"error","code":"bad_frame","message":"\"body\" is missing"}""", Text(ServerFrames.Error("bad_frame", "\"body\" is missing")));
        Assert.Equal("""{"type":"error","code":"not_member","message":"no","id":"m1","conversationId":"c1"}""",
            Text(ServerFrames.Error("not_member", "no", "m1", "c1")));
        Assert.Equal("""{"type":"error","code":"not_member","message":"no","conversationId":"c1"}""",
            Text(ServerFrames.Error("not_member", "no", conversationId: "c1")));
    }

    [Fact]
    public void Pong() => Assert.Equal("""{"type":"pong"}""", Text(ServerFrames.Pong));

    [Fact]
    public void Typing()
    {
        Assert.Equal("""{"type":"typing","conversationId":"c1","userId":"bob","state":"start"}""", Text(ServerFrames.Typing("c1", "bob", true)));
        Assert.Equal("""{"type":"typing","conversationId":"c1","userId":"bob","state":"stop"}""", Text(ServerFrames.Typing("c1", "bob", false)));
    }

    [Fact]
    public void Reconnect() => Assert.Equal("""{"type":"reconnect","reason":"edge_draining","message":"bye"}""",
        Text(ServerFrames.Reconnect("edge_draining", "bye")));

    [Fact]
    public void Resumed() => Assert.Equal("""{"type":"resumed","cursors":{"c1":4,"c2":0}}""",
        Text(ServerFrames.Resumed(new Dictionary<string, long> { ["c1"] = 4, ["c2"] = 0 })));

    [Fact]
    public void Message_with_attachments_and_client_id()
    {
        var sent = new MessageSent
        {
            MessageId = "msg-1",
            Body = "hello \"you\" <b>ünïcode</b>",
            Attachments =
            [
                new Attachment { MediaId = "m1", ContentType = "image/png", FileName = "cat.png", SizeBytes = 1234 },
                new Attachment { MediaId = "m2" },
            ],
        };
        Assert.Equal(
            """{"type":"message","conversationId":"c1","seq":3,"messageId":"msg-1","id":"cm1","senderId":"alice","body":"hello \"you\" <b>ünïcode</b>","sentAt":"2025-03-04T05:06:07.089Z","attachments":[{"mediaId":"m1","contentType":"image/png","fileName":"cat.png","size":1234},{"mediaId":"m2"}]}""",
            Text(ServerFrames.Event(Event(3, sent, "cm1"))));
    }

    [Fact]
    public void A_frame_built_while_another_is_written_is_whole_and_so_is_the_outer_one()
    {
        byte[]? inner = null;
        var outer = ServerFrames.Build(w =>
        {
            w.WriteString("type", "outer");
            inner = ServerFrames.Ack("m1", "c1");
            w.WriteNumber("n", 1);
        });
        Assert.Equal("""{"type":"outer","n":1}""", Text(outer));
        Assert.Equal("""{"type":"ack","id":"m1","conversationId":"c1"}""", Text(inner!));
    }

    [Fact]
    public void A_writer_that_throws_halfway_leaves_nothing_behind_for_the_next_frame()
    {
        Assert.Throws<InvalidOperationException>(() => ServerFrames.Build(w =>
        {
            w.WriteStartArray("half");
            w.WriteStringValue("written");
            throw new InvalidOperationException("the frame's data was bad");
        }));
        Assert.Equal("""{"type":"pong"}""", Text(ServerFrames.Build(w => w.WriteString("type", "pong"))));
    }

    [Fact]
    public void A_frame_larger_than_the_kept_buffer_is_whole_and_the_frames_after_it_too()
    {
        var body = new string('x', 300 * 1024);
        var big = ServerFrames.Event(Event(3, new MessageSent { MessageId = "msg-1", Body = body }));
        Assert.Contains($"\"body\":\"{body}\"", Text(big));
        Assert.Equal("""{"type":"ack","id":"m1","conversationId":"c1"}""", Text(ServerFrames.Ack("m1", "c1")));
    }

    [Fact]
    public void Building_a_message_frame_allocates_about_the_frame_not_a_new_buffer()
    {
        // The writer asks for 4 KB of room at a time; a buffer per frame made every frame cost 4-8 KB (most of what an
        // edge allocated per delivery).
        var chatEvent = Event(3, new MessageSent { MessageId = "msg-1", Body = new string('b', 100) });
        var frame = ServerFrames.Event(chatEvent);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) ServerFrames.Event(chatEvent);
        var perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        Assert.True(perFrame < frame.Length + 1024, $"a frame of {frame.Length} bytes allocated {perFrame} bytes");
    }

    [Fact]
    public void Message_without_client_id_or_attachments() => Assert.Equal(
        """{"type":"message","conversationId":"c1","seq":3,"messageId":"msg-1","senderId":"alice","body":"hi","sentAt":"2025-03-04T05:06:07.089Z","attachments":[]}""",
        Text(ServerFrames.Event(Event(3, new MessageSent { MessageId = "msg-1", Body = "hi" }))));

    [Fact]
    public void Edited_deleted_and_reaction_name_their_target_seq()
    {
        Assert.Equal("""{"type":"edited","conversationId":"c1","seq":5,"targetSeq":3,"userId":"alice","body":"fixed","at":"2025-03-04T05:06:07.089Z"}""",
            Text(ServerFrames.Event(Event(5, new MessageEdited { TargetSeq = 3, Body = "fixed" }))));
        Assert.Equal("""{"type":"deleted","conversationId":"c1","seq":6,"targetSeq":3,"userId":"alice","at":"2025-03-04T05:06:07.089Z"}""",
            Text(ServerFrames.Event(Event(6, new MessageDeleted { TargetSeq = 3 }))));
        Assert.Equal("""{"type":"reaction","conversationId":"c1","seq":7,"targetSeq":3,"userId":"alice","emoji":"+","action":"add","at":"2025-03-04T05:06:07.089Z"}""",
            Text(ServerFrames.Event(Event(7, new ReactionChanged { TargetSeq = 3, Emoji = "+" }))));
        Assert.Equal("""{"type":"reaction","conversationId":"c1","seq":8,"targetSeq":3,"userId":"alice","emoji":"+","action":"remove","at":"2025-03-04T05:06:07.089Z"}""",
            Text(ServerFrames.Event(Event(8, new ReactionChanged { TargetSeq = 3, Emoji = "+", Action = ReactionAction.Remove }))));
    }

    [Fact]
    public void An_emoji_reaction_is_valid_json_that_reads_back_as_the_emoji()
    {
        var text = Text(ServerFrames.Event(Event(7, new ReactionChanged { TargetSeq = 3, Emoji = "👍🏽" })));
        using var json = System.Text.Json.JsonDocument.Parse(text);
        Assert.Equal("👍🏽", json.RootElement.GetProperty("emoji").GetString());
    }

    [Fact]
    public void Conversation()
    {
        Assert.Equal(
            """{"type":"conversation","conversationId":"c1","seq":1,"kind":"group","title":"Team","createdBy":"alice","members":["alice","bob"],"admins":["alice"],"at":"2025-03-04T05:06:07.089Z"}""",
            Text(ServerFrames.Event(Event(1, new ConversationCreated { Kind = ConversationKind.Group, Title = "Team", Members = ["alice", "bob"], Admins = ["alice"] }))));
        Assert.Equal(
            """{"type":"conversation","conversationId":"c1","seq":1,"kind":"direct","createdBy":"alice","members":["alice","bob"],"admins":[],"at":"2025-03-04T05:06:07.089Z"}""",
            Text(ServerFrames.Event(Event(1, new ConversationCreated { Kind = ConversationKind.Direct, Members = ["alice", "bob"] }))));
    }

    [Fact]
    public void Member_added_and_removed()
    {
        Assert.Equal("""{"type":"member_added","conversationId":"c1","seq":2,"userId":"carol","role":"admin","by":"alice","at":"2025-03-04T05:06:07.089Z"}""",
            Text(ServerFrames.Event(Event(2, new MemberAdded { MemberId = "carol", Role = MemberRole.Admin }))));
        Assert.Equal("""{"type":"member_added","conversationId":"c1","seq":2,"userId":"carol","role":"member","by":"alice","at":"2025-03-04T05:06:07.089Z"}""",
            Text(ServerFrames.Event(Event(2, new MemberAdded { MemberId = "carol" }))));
        Assert.Equal("""{"type":"member_removed","conversationId":"c1","seq":3,"userId":"carol","by":"alice","at":"2025-03-04T05:06:07.089Z"}""",
            Text(ServerFrames.Event(Event(3, new MemberRemoved { MemberId = "carol" }))));
    }

    [Fact]
    public void A_receipt_update_with_nothing_read_is_one_delivered_frame()
    {
        var update = new ReceiptUpdate { ConversationId = "c1", UserId = "bob", DeliveredSeq = 5, ReadSeq = 0, At = At, DeliveredToAllSeq = 4 };
        Assert.Equal(
            ["""{"type":"receipt","conversationId":"c1","userId":"bob","seq":5,"status":"delivered","readByAllSeq":0,"deliveredToAllSeq":4,"at":"2025-03-04T05:06:07.089Z"}"""],
            ServerFrames.Receipts(update).Select(Text));
    }

    [Fact]
    public void A_receipt_update_with_something_read_is_a_delivered_and_a_read_frame()
    {
        var update = new ReceiptUpdate { ConversationId = "c1", UserId = "bob", DeliveredSeq = 5, ReadSeq = 3, At = At, ReadByAllSeq = 2, DeliveredToAllSeq = 4 };
        Assert.Equal(
        [
            """{"type":"receipt","conversationId":"c1","userId":"bob","seq":5,"status":"delivered","readByAllSeq":2,"deliveredToAllSeq":4,"at":"2025-03-04T05:06:07.089Z"}""",
            """{"type":"receipt","conversationId":"c1","userId":"bob","seq":3,"status":"read","readByAllSeq":2,"deliveredToAllSeq":4,"at":"2025-03-04T05:06:07.089Z"}""",
        ], ServerFrames.Receipts(update).Select(Text));
    }

    [Fact]
    public void Presence()
    {
        Assert.Equal("""{"type":"presence","userId":"bob","status":"online","lastSeen":"2025-03-04T05:06:07.089Z","devices":2}""",
            Text(ServerFrames.Presence(new PresenceChange { UserId = "bob", Status = PresenceStatus.Online, LastSeen = At, DevicesOnline = 2 })));
        Assert.Equal("""{"type":"presence","userId":"bob","status":"offline","lastSeen":"2025-03-04T05:06:07.089Z","devices":0}""",
            Text(ServerFrames.Presence(new PresenceChange { UserId = "bob", Status = PresenceStatus.Offline, LastSeen = At, DevicesOnline = 0 })));
    }

    [Fact]
    public void Times_are_utc_with_milliseconds_whatever_the_kind()
    {
        Assert.Equal("2025-03-04T05:06:07.089Z", EventJson.Iso(DateTime.SpecifyKind(At, DateTimeKind.Unspecified)));
        Assert.Equal("2025-03-04T05:06:07.000Z", EventJson.Iso(new DateTime(2025, 3, 4, 5, 6, 7, DateTimeKind.Utc)));
    }

    [Fact]
    public void Every_sequenced_payload_has_a_frame_type()
    {
        var log = new ConversationLog("c1");
        Assert.Equal("conversation", EventJson.FrameType(log.Created("alice", ["bob"])));
        Assert.Equal("member_added", EventJson.FrameType(log.Added("alice", "carol")));
        Assert.Equal("member_removed", EventJson.FrameType(log.Removed("alice", "carol")));
        Assert.Equal("message", EventJson.FrameType(log.Sent("alice", "hi")));
        Assert.Equal("edited", EventJson.FrameType(log.Edited("alice", 4, "hey")));
        Assert.Equal("reaction", EventJson.FrameType(log.Reacted("bob", 4, "👍")));
        Assert.Equal("deleted", EventJson.FrameType(log.Deleted("alice", 4)));
    }

    [Fact]
    public void A_history_item_shows_the_current_body() => Assert.Equal(
        """{"type":"message","conversationId":"c1","seq":3,"messageId":"msg-1","senderId":"alice","body":"now","sentAt":"2025-03-04T05:06:07.089Z","attachments":[]}""",
        Text(ServerFrames.Build(w => EventJson.WriteFields(w, Event(3, new MessageSent { MessageId = "msg-1", Body = "then" }), "now"))));
}
