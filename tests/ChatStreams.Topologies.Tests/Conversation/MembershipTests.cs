using ChatStreams.Contracts;
using ChatStreams.Topologies.Tests.Conversation.Support;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Conversation;

[Collection(ChatRegistryCollection.Name)]
public sealed class MembershipTests(ChatRegistry registry)
{
    private static readonly ChatUser Alice = new("alice");
    private static readonly ChatUser Bob = new("bob");
    private static readonly ChatUser Carol = new("carol");
    private static readonly ChatUser Dave = new("dave");

    [Fact]
    public void An_admin_adds_a_member_who_can_then_send()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        var added = chat.Single(Alice.Add("g1", "carol")).Is<MemberAdded>(2);
        Assert.Equal("carol", added.MemberId);
        Assert.Equal(MemberRole.Member, added.Role);

        chat.Single(Carol.Send("g1", "hi all")).Is<MessageSent>(3);
    }

    [Fact]
    public void A_member_added_as_admin_may_change_membership()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        Assert.Equal(MemberRole.Admin, chat.Single(Alice.Add("g1", "carol", MemberRole.Admin)).Is<MemberAdded>(2).Role);

        chat.Single(Carol.Add("g1", "dave")).Is<MemberAdded>(3);
        Assert.Equal("bob", chat.Single(Carol.Remove("g1", "bob")).Is<MemberRemoved>(4).MemberId);
    }

    [Fact]
    public void A_non_admin_cannot_add_or_remove_others()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob", "carol"]));

        chat.Single(Bob.Add("g1", "dave")).IsRejected(RejectionCodes.NotAdmin, 1);
        chat.Single(Bob.Remove("g1", "carol")).IsRejected(RejectionCodes.NotAdmin, 1);
        chat.Single(Bob.Remove("g1", "alice")).IsRejected(RejectionCodes.NotAdmin, 1);

        chat.Single(Carol.Send("g1", "still in")).Is<MessageSent>(2);
        chat.Single(Dave.Send("g1", "not in")).IsRejected(RejectionCodes.NotMember, 0);
    }

    [Fact]
    public void A_non_member_cannot_change_membership()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        chat.Single(Dave.Add("g1", "dave")).IsRejected(RejectionCodes.NotMember, 0);
        chat.Single(Dave.Remove("g1", "bob")).IsRejected(RejectionCodes.NotMember, 0);
        chat.Single(Dave.Add("nowhere", "bob")).IsRejected(RejectionCodes.NotMember, 0);
    }

    [Fact]
    public void Adding_a_member_twice_is_already_member()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        chat.Single(Alice.Add("g1", "bob")).IsRejected(RejectionCodes.AlreadyMember, 1);
        chat.Single(Alice.Add("g1", "alice")).IsRejected(RejectionCodes.AlreadyMember, 1);
    }

    [Fact]
    public void Adding_beyond_a_small_limit_is_group_full_until_someone_leaves()
    {
        using var chat = new ConversationDriver(registry.Serdes, new ConversationOptions { MaxGroupMembers = 3 });
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        chat.Single(Alice.Add("g1", "carol")).Is<MemberAdded>(2);
        chat.Single(Alice.Add("g1", "dave")).IsRejected(RejectionCodes.GroupFull, 2);

        chat.Single(Bob.Leave("g1")).Is<MemberRemoved>(3);
        Assert.Equal("dave", chat.Single(Alice.Add("g1", "dave")).Is<MemberAdded>(4).MemberId);
    }

    [Fact]
    public void With_the_default_limit_a_1000_member_group_refuses_the_1001st()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        Assert.Equal(1000, new ConversationOptions().MaxGroupMembers);
        var others = Enumerable.Range(1, 999).Select(i => $"user-{i:D4}").ToList();

        var created = chat.Single(Alice.CreateGroup("big", others)).Is<ConversationCreated>(1);
        Assert.Equal(1000, created.Members.Count);

        chat.Single(Alice.Add("big", "user-1000")).IsRejected(RejectionCodes.GroupFull, 1);
        // A group of 1,001 cannot be created either.
        chat.Single(Alice.CreateGroup("bigger", others.Append("user-1000"))).IsRejected(RejectionCodes.GroupFull, 0);
    }

    [Fact]
    public void Removing_a_non_member_is_not_found()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        chat.Single(Alice.Remove("g1", "dave")).IsRejected(RejectionCodes.NotFound, 1);
    }

    [Fact]
    public void A_member_may_leave_without_being_admin()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob", "carol"]));

        var left = chat.Single(Bob.Leave("g1"));
        Assert.Equal("bob", left.Is<MemberRemoved>(2).MemberId);
        Assert.Equal("bob", left.UserId);

        chat.Single(Bob.Send("g1", "hello?")).IsRejected(RejectionCodes.NotMember, 0);
        chat.Single(Carol.Send("g1", "bye bob")).Is<MessageSent>(3);
    }

    [Fact]
    public void Direct_conversations_cannot_add_remove_or_leave()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateDirect("d1", "bob"));

        chat.Single(Alice.Add("d1", "carol")).IsRejected(RejectionCodes.InvalidCommand, 1);
        chat.Single(Alice.Remove("d1", "bob")).IsRejected(RejectionCodes.InvalidCommand, 1);
        chat.Single(Bob.Leave("d1")).IsRejected(RejectionCodes.InvalidCommand, 1);

        chat.Single(Bob.Send("d1", "still both here")).Is<MessageSent>(2);
    }

    [Fact]
    public void A_removed_member_can_no_longer_send_edit_react_or_receipt()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]), Bob.Send("g1", "mine"), Alice.Remove("g1", "bob"));

        chat.Single(Bob.Send("g1", "let me back")).IsRejected(RejectionCodes.NotMember, 0);
        chat.Single(Bob.Edit("g1", 2, "edited")).IsRejected(RejectionCodes.NotMember, 0);
        chat.Single(Bob.React("g1", 2, "👍")).IsRejected(RejectionCodes.NotMember, 0);
        chat.Single(Bob.Read("g1", 3)).IsRejected(RejectionCodes.NotMember, 0);
        Assert.True(chat.Receipts.IsEmpty);
    }

    [Fact]
    public void A_member_removed_between_two_messages_is_sequenced_between_them()
    {
        using var chat = new ConversationDriver(registry.Serdes);

        var events = new[] { Alice.CreateGroup("g1", ["bob", "carol"]), Alice.Send("g1", "before"), Alice.Remove("g1", "carol"), Bob.Send("g1", "after") }
            .SelectMany(command => chat.Process(command))
            .ToList();

        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.Seq));
        events[0].Is<ConversationCreated>(1);
        Assert.Equal("before", events[1].Is<MessageSent>(2).Body);
        Assert.Equal("carol", events[2].Is<MemberRemoved>(3).MemberId);
        Assert.Equal("after", events[3].Is<MessageSent>(4).Body);
    }

    [Fact]
    public void A_removed_member_can_be_added_back()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]), Alice.Remove("g1", "bob"));

        chat.Single(Alice.Add("g1", "bob")).Is<MemberAdded>(3);
        chat.Single(Bob.Send("g1", "back")).Is<MessageSent>(4);
    }
}
