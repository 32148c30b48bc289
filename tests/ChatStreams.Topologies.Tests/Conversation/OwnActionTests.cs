using ChatStreams.Topologies.Conversation;
using ChatStreams.Topologies.Tests.Conversation.Support;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Conversation;

/// <summary>What a member does themself never counts as unread for them: their own event moves their read mark.</summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class OwnActionTests(ChatRegistry registry)
{
    private static readonly ChatUser Alice = new("alice");
    private static readonly ChatUser Bob = new("bob");

    /// <summary>
    /// The receipt update of the issuer's own event: on chat.receipts marked as carried by the event, and inside the
    /// event (which brings its frames to the recipients).
    /// </summary>
    private static ReceiptUpdate OwnReceipt(ConversationDriver chat, ChatCommand command, long seq)
    {
        var chatEvent = Assert.Single(chat.Process(command));
        Assert.Equal(seq, chatEvent.Seq);
        var receipt = Assert.Single(chat.Receipts.ReadValuesToList());
        Assert.Equal((command.UserId, seq), (receipt.UserId, receipt.CarriedBySeq));
        var carried = Assert.IsType<ReceiptUpdate>(chatEvent.IssuerReceipt);
        Assert.Equal((receipt.UserId, receipt.DeliveredSeq, receipt.ReadSeq, receipt.ReadByAllSeq, receipt.DeliveredToAllSeq, receipt.At, receipt.CarriedBySeq),
            (carried.UserId, carried.DeliveredSeq, carried.ReadSeq, carried.ReadByAllSeq, carried.DeliveredToAllSeq, carried.At, carried.CarriedBySeq));
        Assert.Equal(receipt.CoveredSenders, carried.CoveredSenders);
        return receipt;
    }

    [Fact]
    public void Creating_a_conversation_leaves_nothing_unread_for_the_creator_but_one_event_for_the_others()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        var receipt = OwnReceipt(chat, Alice.CreateGroup("g1", ["bob"]), 1);
        Assert.Equal((1L, 1L), (receipt.ReadSeq, receipt.DeliveredSeq));
        Assert.Equal(0, receipt.ReadByAllSeq); // bob has not seen the conversation yet
    }

    [Fact]
    public void Reacting_editing_and_deleting_move_the_actor_s_read_mark_and_name_the_senders_they_cover()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]), Bob.Send("g1", "hi"), Bob.Send("g1", "there"));

        var react = OwnReceipt(chat, Alice.React("g1", 2, "👍"), 4);
        Assert.Equal(4, react.ReadSeq);
        Assert.Equal(["bob"], react.CoveredSenders);

        chat.Given(Alice.Send("g1", "mine"));                         // 5
        Assert.Equal(6, OwnReceipt(chat, Alice.Edit("g1", 5, "mine!"), 6).ReadSeq);
        Assert.Equal(7, OwnReceipt(chat, Alice.Delete("g1", 5), 7).ReadSeq);
    }

    [Fact]
    public void Adding_a_member_moves_the_admin_s_read_mark_and_a_leaving_member_gets_no_receipt()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));
        Assert.Equal(2, OwnReceipt(chat, Alice.Add("g1", "carol"), 2).ReadSeq);

        var left = Assert.Single(chat.Process(Bob.Leave("g1")));
        Assert.Equal(3, left.Seq);
        Assert.True(chat.Receipts.IsEmpty); // bob is gone: no receipt state is created for him
        Assert.Null(left.IssuerReceipt);
    }

    [Fact]
    public void Deleting_the_oldest_editable_message_leaves_no_stale_entry_behind()
    {
        using var chat = new ConversationDriver(registry.Serdes, new ConversationOptions { EditableMessages = 2 });
        chat.Given(Alice.CreateGroup("g1", ["bob"]), Alice.Send("g1", "a"), Alice.Send("g1", "b")); // seqs 1..3

        // Seq 2 is the oldest editable message; deleting it (seq 4) also moves it out of the window.
        Assert.IsType<MessageDeleted>(Assert.Single(chat.Process(Alice.Delete("g1", 2))).Payload);
        var kept = chat.Driver.GetKeyValueStore<string, MessageAuthor>(ConversationTopology.MessagesStore).All().Select(e => StoreKeys.Last(e.Key)).ToList();
        Assert.Equal(["0000000000000000003"], kept);
    }
}
