using ChatStreams.Contracts;
using ChatStreams.Topologies.Tests.Conversation.Support;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Conversation;

/// <summary>Edit, delete and react: who may do it, to which messages; each accepted change takes the next seq.</summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class MessageChangeTests(ChatRegistry registry)
{
    private static readonly ChatUser Alice = new("alice");
    private static readonly ChatUser Bob = new("bob");
    private static readonly ChatUser Carol = new("carol");

    /// <summary>Group g1: alice (admin), bob, carol; seq 2 is bob's message, seq 3 alice's.</summary>
    private ConversationDriver GroupWithTwoMessages(ConversationOptions? options = null)
    {
        var chat = new ConversationDriver(registry.Serdes, options);
        chat.Given(Alice.CreateGroup("g1", ["bob", "carol"]), Bob.Send("g1", "bob's"), Alice.Send("g1", "alice's"));
        return chat;
    }

    [Fact]
    public void The_sender_edits_their_message()
    {
        using var chat = GroupWithTwoMessages();

        var edited = chat.Single(Bob.Edit("g1", 2, "bob's, corrected")).Is<MessageEdited>(4);

        Assert.Equal(2, edited.TargetSeq);
        Assert.Equal("bob's, corrected", edited.Body);
        // Edited twice: still the sender's message.
        chat.Single(Bob.Edit("g1", 2, "again")).Is<MessageEdited>(5);
    }

    [Fact]
    public void Only_the_sender_edits_not_even_an_admin()
    {
        using var chat = GroupWithTwoMessages();

        chat.Single(Carol.Edit("g1", 2, "carol's now")).IsRejected(RejectionCodes.NotAuthor, 3);
        chat.Single(Alice.Edit("g1", 2, "admin's now")).IsRejected(RejectionCodes.NotAuthor, 3);
    }

    [Fact]
    public void An_edit_to_an_empty_or_too_long_body_is_invalid()
    {
        using var chat = GroupWithTwoMessages(new ConversationOptions { MaxBodyLength = 20 });

        chat.Single(Bob.Edit("g1", 2, "  ")).IsRejected(RejectionCodes.InvalidCommand, 3);
        chat.Single(Bob.Edit("g1", 2, new string('x', 21))).IsRejected(RejectionCodes.InvalidCommand, 3);
        chat.Single(Bob.Edit("g1", 2, new string('x', 20))).Is<MessageEdited>(4);
    }

    [Fact]
    public void The_sender_deletes_their_message()
    {
        using var chat = GroupWithTwoMessages();

        Assert.Equal(2, chat.Single(Bob.Delete("g1", 2)).Is<MessageDeleted>(4).TargetSeq);
    }

    [Fact]
    public void A_group_admin_deletes_someone_elses_message()
    {
        using var chat = GroupWithTwoMessages();

        Assert.Equal(2, chat.Single(Alice.Delete("g1", 2)).Is<MessageDeleted>(4).TargetSeq);
    }

    [Fact]
    public void A_member_who_is_neither_sender_nor_admin_cannot_delete()
    {
        using var chat = GroupWithTwoMessages();

        chat.Single(Carol.Delete("g1", 2)).IsRejected(RejectionCodes.NotAuthor, 3);
        chat.Single(Bob.Delete("g1", 3)).IsRejected(RejectionCodes.NotAuthor, 3);
    }

    [Fact]
    public void In_a_direct_conversation_only_the_sender_deletes()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateDirect("d1", "bob"), Bob.Send("d1", "bob's"));

        // The creator of a direct conversation is no admin.
        chat.Single(Alice.Delete("d1", 2)).IsRejected(RejectionCodes.NotAuthor, 2);
        chat.Single(Bob.Delete("d1", 2)).Is<MessageDeleted>(3);
    }

    [Fact]
    public void A_deleted_message_cannot_be_edited_reacted_to_or_deleted_again()
    {
        using var chat = GroupWithTwoMessages();
        chat.Given(Bob.Delete("g1", 2));

        chat.Single(Bob.Edit("g1", 2, "resurrect")).IsRejected(RejectionCodes.NotFound, 4);
        chat.Single(Carol.React("g1", 2, "👍")).IsRejected(RejectionCodes.NotFound, 4);
        chat.Single(Bob.Delete("g1", 2)).IsRejected(RejectionCodes.NotFound, 4);
        chat.Single(Alice.Delete("g1", 2)).IsRejected(RejectionCodes.NotFound, 4);

        // The other message is untouched.
        chat.Single(Alice.Edit("g1", 3, "alice's, edited")).Is<MessageEdited>(5);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(4)] // one past the last seq
    [InlineData(long.MaxValue)]
    [InlineData(1)] // ConversationCreated, not a message
    public void A_target_out_of_range_or_not_a_message_is_not_found(long targetSeq)
    {
        using var chat = GroupWithTwoMessages();

        chat.Single(Bob.Edit("g1", targetSeq, "x")).IsRejected(RejectionCodes.NotFound, 3);
        chat.Single(Alice.Delete("g1", targetSeq)).IsRejected(RejectionCodes.NotFound, 3);
        chat.Single(Carol.React("g1", targetSeq, "👍")).IsRejected(RejectionCodes.NotFound, 3);
    }

    [Fact]
    public void Membership_changes_edits_and_reactions_are_not_messages_to_target()
    {
        using var chat = GroupWithTwoMessages();
        chat.Given(Alice.Add("g1", "dave"), Bob.Edit("g1", 2, "edited"), Carol.React("g1", 2, "👍"));

        foreach (var seq in new long[] { 4, 5, 6 })
        {
            chat.Single(Alice.Delete("g1", seq)).IsRejected(RejectionCodes.NotFound, 6);
            chat.Single(Carol.React("g1", seq, "👍")).IsRejected(RejectionCodes.NotFound, 6);
        }
    }

    [Fact]
    public void Messages_older_than_the_editable_window_are_not_found()
    {
        using var chat = new ConversationDriver(registry.Serdes, new ConversationOptions { EditableMessages = 2 });
        chat.Given(Alice.CreateGroup("g1", ["bob"]), Alice.Send("g1", "m2"), Alice.Send("g1", "m3"), Alice.Send("g1", "m4"));

        // m3 and m4 are the two most recent messages; m2 has left the window.
        chat.Single(Alice.Edit("g1", 2, "x")).IsRejected(RejectionCodes.NotFound, 4);
        chat.Single(Alice.Delete("g1", 2)).IsRejected(RejectionCodes.NotFound, 4);
        chat.Single(Bob.React("g1", 2, "👍")).IsRejected(RejectionCodes.NotFound, 4);
        chat.Single(Alice.Edit("g1", 3, "x")).Is<MessageEdited>(5);
        chat.Single(Bob.React("g1", 4, "👍")).Is<ReactionChanged>(6);
    }

    [Fact]
    public void A_message_leaves_the_editable_window_even_when_membership_events_came_between()
    {
        using var chat = new ConversationDriver(registry.Serdes, new ConversationOptions { EditableMessages = 2 });
        // seq 1 created, 2 message, 3 and 4 membership changes, 5 and 6 messages.
        chat.Given(Alice.CreateGroup("g1", ["bob"]), Alice.Send("g1", "m2"), Alice.Add("g1", "carol"), Alice.Add("g1", "dave"),
            Alice.Send("g1", "m5"), Alice.Send("g1", "m6"));

        // Two newer messages (5, 6) and four newer seqs: seq 2 is out of the window by any count.
        chat.Single(Alice.Edit("g1", 2, "too late")).IsRejected(RejectionCodes.NotFound, 6);
    }

    [Theory]
    [InlineData("👍")]
    [InlineData("👍🏽")] // with a skin tone modifier
    [InlineData("👨‍👩‍👧‍👦")] // family: four people joined by ZWJ, seven code points
    [InlineData("🇳🇱")] // a flag: two regional indicators
    [InlineData("❤️")] // with a variation selector
    [InlineData("👩🏻‍❤️‍💋‍👨🏼")] // kiss with skin tones: ten code points
    [InlineData("🏴󠁧󠁢󠁥󠁮󠁧󠁿")] // flag of England: a tag sequence
    public void A_reaction_of_exactly_one_emoji_is_accepted(string emoji)
    {
        using var chat = GroupWithTwoMessages();

        var reaction = chat.Single(Carol.React("g1", 2, emoji)).Is<ReactionChanged>(4);

        Assert.Equal(2, reaction.TargetSeq);
        Assert.Equal(emoji, reaction.Emoji);
        Assert.Equal(ReactionAction.Add, reaction.Action);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("👍👍")]
    [InlineData("👍 ")]
    [InlineData("ok")]
    public void A_reaction_that_is_not_exactly_one_grapheme_is_invalid(string emoji)
    {
        using var chat = GroupWithTwoMessages();

        chat.Single(Carol.React("g1", 2, emoji)).IsRejected(RejectionCodes.InvalidCommand, 3);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("x")]
    public void A_reaction_that_is_a_letter_not_an_emoji_is_invalid(string emoji)
    {
        using var chat = GroupWithTwoMessages();

        chat.Single(Carol.React("g1", 2, emoji)).IsRejected(RejectionCodes.InvalidCommand, 3);
    }

    [Fact]
    public void A_reaction_is_taken_back_with_remove()
    {
        using var chat = GroupWithTwoMessages();
        chat.Given(Carol.React("g1", 2, "👍"));

        var e = chat.Single(Carol.React("g1", 2, "👍", ReactionAction.Remove));

        var removed = e.Is<ReactionChanged>(5);
        Assert.Equal(ReactionAction.Remove, removed.Action);
        Assert.Equal("👍", removed.Emoji);
        Assert.Equal("carol", e.UserId);
    }
}
