using ChatStreams.Contracts;
using ChatStreams.Topologies.Tests.Conversation.Support;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Conversation;

[Collection(ChatRegistryCollection.Name)]
public sealed class CreateConversationTests(ChatRegistry registry)
{
    private static readonly ChatUser Alice = new("alice");

    [Fact]
    public void Direct_conversation_is_created_at_seq_1_with_both_members_and_no_admins()
    {
        using var chat = new ConversationDriver(registry.Serdes);

        var created = chat.Single(Alice.CreateDirect("d1", "bob")).Is<ConversationCreated>(1);

        Assert.Equal(ConversationKind.Direct, created.Kind);
        Assert.Equal(["alice", "bob"], created.Members.Order());
        Assert.Empty(created.Admins);
        Assert.Null(created.Title);
    }

    [Fact]
    public void Direct_conversation_listing_the_creator_among_the_members_is_still_two_members()
    {
        using var chat = new ConversationDriver(registry.Serdes);

        var created = chat.Single(Alice.Create("d1", ConversationKind.Direct, ["alice", "bob"])).Is<ConversationCreated>(1);

        Assert.Equal(["alice", "bob"], created.Members.Order());
    }

    [Fact]
    public void Direct_conversation_drops_a_title_and_admins_it_was_given()
    {
        using var chat = new ConversationDriver(registry.Serdes);

        var created = chat.Single(Alice.Create("d1", ConversationKind.Direct, ["bob"], admins: ["bob"], title: "us")).Is<ConversationCreated>(1);

        Assert.Empty(created.Admins);
        Assert.Null(created.Title);
    }

    [Theory]
    [InlineData("")]
    [InlineData("alice")]
    [InlineData("bob,carol")]
    [InlineData("alice,bob,carol")]
    public void Direct_conversation_without_exactly_two_members_is_invalid(string members)
    {
        using var chat = new ConversationDriver(registry.Serdes);

        chat.Single(Alice.Create("d1", ConversationKind.Direct, members.Split(',', StringSplitOptions.RemoveEmptyEntries))).IsRejected(RejectionCodes.InvalidCommand, 0);

        // Nothing was created: the id is still free.
        chat.Single(Alice.CreateDirect("d1", "bob")).Is<ConversationCreated>(1);
    }

    [Fact]
    public void Group_adds_the_creator_as_member_and_admin()
    {
        using var chat = new ConversationDriver(registry.Serdes);

        var created = chat.Single(Alice.CreateGroup("g1", ["bob", "carol"], title: "Team")).Is<ConversationCreated>(1);

        Assert.Equal(ConversationKind.Group, created.Kind);
        Assert.Equal("Team", created.Title);
        Assert.Equal(["alice", "bob", "carol"], created.Members.Order());
        Assert.Equal(["alice"], created.Admins);
    }

    [Fact]
    public void Group_with_named_admins_has_the_creator_and_them_as_admins()
    {
        using var chat = new ConversationDriver(registry.Serdes);

        var created = chat.Single(Alice.CreateGroup("g1", ["bob", "carol"], admins: ["bob"])).Is<ConversationCreated>(1);

        Assert.Equal(["alice", "bob"], created.Admins.Order());
        // The named admin really is one: bob may add a member.
        chat.Single(new ChatUser("bob").Add("g1", "dave")).Is<MemberAdded>(2);
    }

    [Fact]
    public void Group_admins_must_be_members()
    {
        using var chat = new ConversationDriver(registry.Serdes);

        chat.Single(Alice.CreateGroup("g1", ["bob"], admins: ["mallory"])).IsRejected(RejectionCodes.InvalidCommand, 0);
    }

    [Fact]
    public void Group_larger_than_the_member_limit_is_refused_as_full()
    {
        using var chat = new ConversationDriver(registry.Serdes, new ConversationOptions { MaxGroupMembers = 3 });

        // alice + 3 others = 4 > 3.
        chat.Single(Alice.CreateGroup("g1", ["bob", "carol", "dave"])).IsRejected(RejectionCodes.GroupFull, 0);
        // alice + 2 others = 3: exactly the limit.
        Assert.Equal(3, chat.Single(Alice.CreateGroup("g1", ["bob", "carol"])).Is<ConversationCreated>(1).Members.Count);
    }

    [Fact]
    public void Group_title_over_the_limit_is_invalid()
    {
        using var chat = new ConversationDriver(registry.Serdes, new ConversationOptions { MaxTitleLength = 10 });

        chat.Single(Alice.CreateGroup("g1", ["bob"], title: new string('t', 11))).IsRejected(RejectionCodes.InvalidCommand, 0);
        Assert.Equal(new string('t', 10), chat.Single(Alice.CreateGroup("g1", ["bob"], title: new string('t', 10))).Is<ConversationCreated>(1).Title);
    }

    [Fact]
    public void Creating_an_existing_id_is_refused_and_changes_nothing()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]), Alice.Send("g1", "hello"));

        var mallory = new ChatUser("mallory");
        chat.Single(mallory.CreateGroup("g1", ["alice"])).IsRejected(RejectionCodes.ConversationExists, 0);

        // mallory did not get in, and the sequence continues.
        chat.Single(mallory.Send("g1", "let me in")).IsRejected(RejectionCodes.NotMember, 0);
        chat.Single(Alice.Send("g1", "still here")).Is<MessageSent>(3);
    }

    [Fact]
    public void Duplicate_member_ids_count_once()
    {
        using var chat = new ConversationDriver(registry.Serdes);

        var created = chat.Single(Alice.CreateGroup("g1", ["bob", "bob", "alice"])).Is<ConversationCreated>(1);

        Assert.Equal(["alice", "bob"], created.Members.Order());
    }
}
