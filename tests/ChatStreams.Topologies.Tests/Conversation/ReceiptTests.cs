using ChatStreams.Contracts;
using ChatStreams.Topologies.Conversation;
using ChatStreams.Topologies.Tests.Conversation.Support;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Conversation;

/// <summary>
/// Receipts raise a member's delivered/read high-water marks; every change is a ReceiptUpdate on chat.receipts with the
/// conversation-wide "by all" marks and the senders newly covered. Receipts take no seq.
/// </summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class ReceiptTests(ChatRegistry registry)
{
    private static readonly ChatUser Alice = new("alice");
    private static readonly ChatUser Bob = new("bob");
    private static readonly ChatUser Carol = new("carol");

    /// <summary>Group g1 of alice (admin), bob and carol, created at seq 1.</summary>
    private ConversationDriver Group()
    {
        var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob", "carol"]));
        return chat;
    }

    private static ReceiptUpdate SingleReceipt(ConversationDriver chat, ChatCommand command)
    {
        Assert.Empty(chat.Process(command));
        return Assert.Single(chat.Receipts.ReadValuesToList());
    }

    [Fact]
    public void A_read_receipt_covers_every_seq_up_to_it()
    {
        using var chat = Group();
        chat.Given(Alice.Send("g1", "a"), Alice.Send("g1", "b"), Alice.Send("g1", "c"));

        var read = Bob.Read("g1", 4);
        Assert.Empty(chat.Process(read));
        var record = Assert.Single(chat.Receipts.ReadRecordsToList());

        Assert.Equal("g1", record.Key);
        var update = record.Value;
        Assert.Equal("g1", update.ConversationId);
        Assert.Equal("bob", update.UserId);
        Assert.Equal(4, update.ReadSeq);
        Assert.Equal(4, update.DeliveredSeq);
        Assert.Equal(read.IssuedAt, update.At);
        Assert.Equal(["alice"], update.CoveredSenders);
    }

    [Fact]
    public void Marks_never_go_down_and_a_stale_receipt_publishes_nothing()
    {
        using var chat = Group();
        chat.Given(Alice.Send("g1", "a"), Alice.Send("g1", "b"), Alice.Send("g1", "c"));
        Assert.Equal(4, SingleReceipt(chat, Bob.Read("g1", 4)).ReadSeq);

        foreach (var stale in new[] { Bob.Read("g1", 2), Bob.Read("g1", 4), Bob.Delivered("g1", 3), Bob.Delivered("g1", 4), Bob.Read("g1", 0) })
        {
            Assert.Empty(chat.Process(stale));
            Assert.True(chat.Receipts.IsEmpty);
        }

        // The marks are where they were: the next message read moves them on from 4.
        chat.Given(Alice.Send("g1", "d"));
        var update = SingleReceipt(chat, Bob.Delivered("g1", 5));
        Assert.Equal((5L, 4L), (update.DeliveredSeq, update.ReadSeq));
    }

    [Fact]
    public void Delivered_moves_only_the_delivered_mark_and_read_implies_delivered()
    {
        using var chat = Group();
        chat.Given(Alice.Send("g1", "a"), Alice.Send("g1", "b"), Alice.Send("g1", "c"));

        var delivered = SingleReceipt(chat, Bob.Delivered("g1", 3));
        Assert.Equal((3L, 0L), (delivered.DeliveredSeq, delivered.ReadSeq));

        // Read beyond what was delivered: delivered follows.
        var read = SingleReceipt(chat, Bob.Read("g1", 4));
        Assert.Equal((4L, 4L), (read.DeliveredSeq, read.ReadSeq));
    }

    [Fact]
    public void A_read_below_the_delivered_mark_moves_only_the_read_mark()
    {
        using var chat = Group();
        chat.Given(Alice.Send("g1", "a"), Alice.Send("g1", "b"), Alice.Send("g1", "c"));
        SingleReceipt(chat, Bob.Delivered("g1", 4));

        var read = SingleReceipt(chat, Bob.Read("g1", 2));

        Assert.Equal((4L, 2L), (read.DeliveredSeq, read.ReadSeq));
    }

    [Fact]
    public void A_receipt_past_the_last_seq_or_negative_is_invalid()
    {
        using var chat = Group();
        chat.Given(Alice.Send("g1", "a"));

        chat.Single(Bob.Read("g1", 3)).IsRejected(RejectionCodes.InvalidCommand, 2);
        chat.Single(Bob.Delivered("g1", 3)).IsRejected(RejectionCodes.InvalidCommand, 2);
        chat.Single(Bob.Read("g1", -1)).IsRejected(RejectionCodes.InvalidCommand, 2);
        Assert.True(chat.Receipts.IsEmpty);
    }

    [Fact]
    public void A_non_member_receipt_is_not_member()
    {
        using var chat = Group();
        chat.Given(Alice.Send("g1", "a"));

        chat.Single(new ChatUser("mallory").Read("g1", 2)).IsRejected(RejectionCodes.NotMember, 0);
        chat.Single(Bob.Read("nowhere", 1)).IsRejected(RejectionCodes.NotMember, 0);
        Assert.True(chat.Receipts.IsEmpty);
    }

    [Fact]
    public void Receipts_take_no_seq()
    {
        using var chat = Group();
        chat.Given(Alice.Send("g1", "a"), Bob.Read("g1", 2), Carol.Delivered("g1", 2));

        chat.Single(Bob.Send("g1", "b")).Is<MessageSent>(3);
    }

    [Fact]
    public void Sending_a_message_advances_the_senders_own_read_mark()
    {
        using var chat = Group();

        Assert.Single(chat.Process(Bob.Send("g1", "bob's")));
        var own = Assert.Single(chat.Receipts.ReadValuesToList());
        Assert.Equal("bob", own.UserId);
        Assert.Equal((2L, 2L), (own.DeliveredSeq, own.ReadSeq));
        Assert.Empty(own.CoveredSenders);

        // Alice replying has read bob's message on the way.
        Assert.Single(chat.Process(Alice.Send("g1", "alice's")));
        var reply = Assert.Single(chat.Receipts.ReadValuesToList());
        Assert.Equal("alice", reply.UserId);
        Assert.Equal((3L, 3L), (reply.DeliveredSeq, reply.ReadSeq));
        Assert.Equal(["bob"], reply.CoveredSenders);
    }

    [Fact]
    public void Read_by_all_and_delivered_to_all_wait_for_every_member()
    {
        using var chat = Group();
        Assert.Single(chat.Process(Alice.Send("g1", "a")));
        var sent = Assert.Single(chat.Receipts.ReadValuesToList());
        Assert.Equal((0L, 0L), (sent.ReadByAllSeq, sent.DeliveredToAllSeq));

        var bobRead = SingleReceipt(chat, Bob.Read("g1", 2));
        Assert.Equal((0L, 0L), (bobRead.ReadByAllSeq, bobRead.DeliveredToAllSeq));

        var carolDelivered = SingleReceipt(chat, Carol.Delivered("g1", 2));
        Assert.Equal((0L, 2L), (carolDelivered.ReadByAllSeq, carolDelivered.DeliveredToAllSeq));

        var carolRead = SingleReceipt(chat, Carol.Read("g1", 2));
        Assert.Equal((2L, 2L), (carolRead.ReadByAllSeq, carolRead.DeliveredToAllSeq));
    }

    [Fact]
    public void Read_by_all_is_the_lowest_mark_among_members()
    {
        using var chat = Group();
        chat.Given(Alice.Send("g1", "a"), Alice.Send("g1", "b"), Alice.Send("g1", "c"), Alice.Send("g1", "d")); // alice read 5

        Assert.Equal(0, SingleReceipt(chat, Bob.Read("g1", 5)).ReadByAllSeq);
        Assert.Equal(3, SingleReceipt(chat, Carol.Read("g1", 3)).ReadByAllSeq);
        Assert.Equal(4, SingleReceipt(chat, Carol.Read("g1", 4)).ReadByAllSeq);
        Assert.Equal(5, SingleReceipt(chat, Carol.Read("g1", 5)).ReadByAllSeq);
    }

    [Fact]
    public void Read_by_all_does_not_wait_for_a_removed_member()
    {
        using var chat = Group();
        chat.Given(Alice.Send("g1", "a"), Bob.Read("g1", 2)); // carol has read nothing
        chat.Given(Alice.Remove("g1", "carol")); // seq 3

        // Alice's own removal of carol moved her read mark to 3; carol no longer counts.
        var bob = SingleReceipt(chat, Bob.Read("g1", 3));
        Assert.Equal((3L, 3L), (bob.ReadByAllSeq, bob.DeliveredToAllSeq));
    }

    [Fact]
    public void Read_by_all_does_not_wait_for_a_member_who_left_while_being_the_only_one_behind()
    {
        using var chat = Group();
        chat.Given(Alice.Send("g1", "a"), Bob.Read("g1", 2), Carol.Delivered("g1", 1));
        chat.Given(Carol.Leave("g1"), Alice.Send("g1", "b")); // seq 3 carol left, seq 4: alice read 4

        var bob = SingleReceipt(chat, Bob.Read("g1", 4));

        Assert.Equal((4L, 4L), (bob.ReadByAllSeq, bob.DeliveredToAllSeq));
    }

    [Fact]
    public void A_new_member_is_not_waited_for_on_messages_before_they_joined()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]), Alice.Send("g1", "a"), Bob.Read("g1", 2)); // both read 2
        chat.Given(Alice.Add("g1", "carol")); // seq 3

        // Carol joined at 3: for read-by-all she counts as having read up to 2, not 0.
        Assert.Single(chat.Process(Alice.Send("g1", "b"))); // seq 4, alice read 4
        Assert.Equal(2, Assert.Single(chat.Receipts.ReadValuesToList()).ReadByAllSeq);
        Assert.Equal(2, SingleReceipt(chat, Bob.Read("g1", 4)).ReadByAllSeq);
        Assert.Equal(4, SingleReceipt(chat, Carol.Read("g1", 4)).ReadByAllSeq);
    }

    [Fact]
    public void Covered_senders_name_the_senders_of_newly_covered_messages_other_than_the_reader()
    {
        using var chat = Group();
        chat.Given(Bob.Send("g1", "bob 2"), Carol.Send("g1", "carol 3"), Alice.Send("g1", "alice 4"), Bob.Send("g1", "bob 5"));
        // Now: bob read 5, carol read 3, alice read 4.

        // Carol's delivery of 5 newly covers alice's 4 and bob's 5 as delivered.
        Assert.Equal(["alice", "bob"], SingleReceipt(chat, Carol.Delivered("g1", 5)).CoveredSenders);
        // Reading 4 covers alice's 4 as read; 3 is carol's own.
        Assert.Equal(["alice"], SingleReceipt(chat, Carol.Read("g1", 4)).CoveredSenders);
        Assert.Equal(["bob"], SingleReceipt(chat, Carol.Read("g1", 5)).CoveredSenders);
    }

    [Fact]
    public void A_receipt_covering_only_the_readers_own_messages_names_no_sender()
    {
        using var chat = Group();
        chat.Given(Alice.Send("g1", "a"), Bob.Send("g1", "b")); // alice read 2, bob read 3
        chat.Given(Alice.Add("g1", "dave")); // seq 4, not a message

        Assert.Empty(SingleReceipt(chat, Bob.Read("g1", 4)).CoveredSenders);
    }

    [Fact]
    public void Unread_count_is_the_last_seq_minus_the_read_mark()
    {
        using var chat = Group();
        var lastSeq = 1L;
        foreach (var body in new[] { "a", "b", "c", "d" })
            lastSeq = chat.Single(Alice.Send("g1", body)).Seq;
        chat.Receipts.ReadValuesToList();

        var bob = SingleReceipt(chat, Bob.Read("g1", 3));

        Assert.Equal(5, lastSeq);
        Assert.Equal(2, lastSeq - bob.ReadSeq);
        Assert.Equal(0, lastSeq - SingleReceipt(chat, Bob.Read("g1", lastSeq)).ReadSeq);
    }

    [Theory]
    [InlineData(3, 7, 3, 7, "3-7")]         // a read receipt: both marks move over the same seqs, read once
    [InlineData(6, 7, 3, 7, "3-7")]         // reads trailed deliveries
    [InlineData(3, 4, 5, 9, "3-9")]         // adjacent
    [InlineData(8, 9, 2, 4, "2-4 8-9")]     // apart: each range read on its own, in order
    [InlineData(5, 4, 2, 3, "2-3")]         // nothing newly delivered
    [InlineData(2, 3, 5, 4, "2-3")]         // nothing newly read
    [InlineData(5, 4, 9, 8, "")]            // nothing at all
    public void The_newly_covered_seqs_are_read_as_the_fewest_ranges(long deliveredFrom, long deliveredTo, long readFrom, long readTo, string expected)
    {
        var merged = ReceiptLedger.Merged((deliveredFrom, deliveredTo), (readFrom, readTo));
        Assert.Equal(expected, string.Join(" ", merged.Select(r => $"{r.From}-{r.To}")));
    }
}
