using ChatStreams.Contracts;
using ChatStreams.Topologies.Tests.Conversation.Support;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Conversation;

/// <summary>A resend with the same client message id gets the original seq back, never a second message.</summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class DedupTests(ChatRegistry registry)
{
    private static readonly ChatUser Alice = new("alice");
    private static readonly ChatUser Bob = new("bob");

    [Fact]
    public void A_resend_is_re_acked_with_the_original_and_takes_no_seq()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        var first = Alice.Send("g1", "hello", clientMessageId: "m-1");
        var original = chat.Single(first);
        original.Is<MessageSent>(2);

        var resend = Alice.Send("g1", "hello", clientMessageId: "m-1");
        var reAck = chat.Single(resend);
        var dedup = reAck.Is<CommandDeduplicated>(2);
        Assert.Equal(2, dedup.OriginalSeq);
        Assert.Equal(original.EventId, dedup.OriginalEventId);
        Assert.Equal(first.CommandId, dedup.OriginalCommandId);
        // The re-ack answers the resend: its own command, the same client id, back to the device.
        Assert.Equal(resend.CommandId, reAck.CommandId);
        Assert.Equal("m-1", reAck.ClientMessageId);
        Assert.Equal(Alice.DeviceId, reAck.DeviceId);
        Assert.NotEqual(original.EventId, reAck.EventId);

        chat.Single(Bob.Send("g1", "next")).Is<MessageSent>(3);
        chat.Single(Alice.Send("g1", "and next", clientMessageId: "m-2")).Is<MessageSent>(4);
    }

    [Fact]
    public void A_resend_publishes_no_receipt()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]), Alice.Send("g1", "hello", clientMessageId: "m-1"));

        chat.Single(Alice.Send("g1", "hello", clientMessageId: "m-1")).Is<CommandDeduplicated>(2);

        Assert.True(chat.Receipts.IsEmpty);
    }

    [Fact]
    public void Many_resends_of_one_message_still_leave_a_gap_free_sequence()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        var seqs = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            foreach (var e in chat.Process(Alice.Send("g1", $"text {i}", clientMessageId: $"m-{i}")))
                if (e.Payload is MessageSent) seqs.Add(e.Seq);
            for (var retry = 0; retry < 3; retry++)
                chat.Single(Alice.Send("g1", $"text {i}", clientMessageId: $"m-{i}")).Is<CommandDeduplicated>(2 + i);
        }

        Assert.Equal([2L, 3, 4, 5, 6], seqs);
    }

    [Fact]
    public void The_same_client_id_from_another_user_is_a_new_message()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        chat.Single(Alice.Send("g1", "from alice", clientMessageId: "m-1")).Is<MessageSent>(2);
        Assert.Equal("from bob", chat.Single(Bob.Send("g1", "from bob", clientMessageId: "m-1")).Is<MessageSent>(3).Body);
    }

    [Fact]
    public void The_same_client_id_in_another_conversation_is_a_new_message()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]), Alice.CreateGroup("g2", ["bob"]));

        chat.Single(Alice.Send("g1", "in g1", clientMessageId: "m-1")).Is<MessageSent>(2);
        chat.Single(Alice.Send("g2", "in g2", clientMessageId: "m-1")).Is<MessageSent>(2);
    }

    [Fact]
    public void After_the_dedup_window_the_client_id_is_accepted_again()
    {
        var window = TimeSpan.FromMinutes(5);
        using var chat = new ConversationDriver(registry.Serdes, new ConversationOptions { DedupWindow = window });
        chat.Given(Alice.CreateGroup("g1", ["bob"]));
        var sentAt = chat.NextTimestampMs;

        chat.Single(Alice.Send("g1", "hello", clientMessageId: "m-1"), sentAt).Is<MessageSent>(2);
        // Just inside the window: still the same message.
        chat.Single(Alice.Send("g1", "hello", clientMessageId: "m-1"), sentAt + (long)window.TotalMilliseconds - 1).Is<CommandDeduplicated>(2);
        // Past the window: remembered no more, a new message.
        chat.Single(Alice.Send("g1", "hello", clientMessageId: "m-1"), sentAt + (long)window.TotalMilliseconds + 1_000).Is<MessageSent>(3);
        // ... which the dedup now remembers in its turn.
        chat.Single(Alice.Send("g1", "hello", clientMessageId: "m-1"), sentAt + (long)window.TotalMilliseconds + 2_000).Is<CommandDeduplicated>(3);
    }

    [Fact]
    public void Out_of_order_retries_of_two_messages_give_exactly_two_messages()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));
        var a = Alice.Send("g1", "A", clientMessageId: "id-1");
        var b = Alice.Send("g1", "B", clientMessageId: "id-2");

        var events = new List<ChatEvent>();
        foreach (var command in new[] { a, b, Alice.Send("g1", "A", "id-1"), Alice.Send("g1", "B", "id-2"), Alice.Send("g1", "A", "id-1") })
            events.AddRange(chat.Process(command));

        Assert.Equal(5, events.Count);
        var messages = events.Where(e => e.Payload is MessageSent).ToList();
        Assert.Equal(["A", "B"], messages.Select(e => ((MessageSent)e.Payload).Body));
        Assert.Equal([2L, 3], messages.Select(e => e.Seq));
        var reAcks = events.Skip(2).Select(e => Assert.IsType<CommandDeduplicated>(e.Payload)).ToList();
        Assert.Equal([2L, 3, 2], reAcks.Select(d => d.OriginalSeq));
        Assert.Equal([a.CommandId, b.CommandId, a.CommandId], reAcks.Select(d => d.OriginalCommandId));
    }

    [Fact]
    public void A_resend_after_the_sender_was_removed_is_still_re_acked()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]), Bob.Send("g1", "bye soon", clientMessageId: "m-1"), Alice.Remove("g1", "bob"));

        var reAck = chat.Single(Bob.Send("g1", "bye soon", clientMessageId: "m-1")).Is<CommandDeduplicated>(3);
        Assert.Equal(2, reAck.OriginalSeq);

        // A new message from bob is refused: he is no member any more.
        chat.Single(Bob.Send("g1", "new", clientMessageId: "m-2")).IsRejected(RejectionCodes.NotMember, 0);
    }

    [Fact]
    public void A_refused_send_is_not_remembered_so_its_corrected_resend_goes_through()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        chat.Single(Alice.Send("g1", "", clientMessageId: "m-1")).IsRejected(RejectionCodes.InvalidCommand, 1);
        chat.Single(Alice.Send("g1", "fixed", clientMessageId: "m-1")).Is<MessageSent>(2);
    }

    [Fact]
    public void Sends_without_a_client_id_are_never_deduplicated()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        chat.Single(Alice.Send("g1", "same")).Is<MessageSent>(2);
        chat.Single(Alice.Send("g1", "same")).Is<MessageSent>(3);
    }

    [Theory]
    [InlineData(201)]
    [InlineData(1_000)]
    public void A_resend_with_a_long_client_id_never_gives_a_second_message(int idLength)
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));
        var clientId = new string('k', idLength);

        var events = chat.Process(Alice.Send("g1", "hello", clientMessageId: clientId))
            .Concat(chat.Process(Alice.Send("g1", "hello", clientMessageId: clientId)))
            .ToList();

        Assert.True(events.Count(e => e.Payload is MessageSent) <= 1,
            $"two sends with one {idLength}-character client id gave {events.Count(e => e.Payload is MessageSent)} messages");
    }

    [Fact]
    public void A_resend_with_a_client_id_containing_nul_never_gives_a_second_message()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        var events = chat.Process(Alice.Send("g1", "hello", clientMessageId: "m\01"))
            .Concat(chat.Process(Alice.Send("g1", "hello", clientMessageId: "m\01")))
            .ToList();

        Assert.True(events.Count(e => e.Payload is MessageSent) <= 1);
    }
}
