using ChatStreams.Contracts;
using ChatStreams.Topologies.Tests.Conversation.Support;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Conversation;

[Collection(ChatRegistryCollection.Name)]
public sealed class SendMessageTests(ChatRegistry registry)
{
    private static readonly ChatUser Alice = new("alice");
    private static readonly ChatUser Bob = new("bob");
    private static readonly ChatUser Mallory = new("mallory");

    [Fact]
    public void Messages_get_consecutive_seqs_after_the_creation()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        for (var i = 0; i < 20; i++)
        {
            var sender = i % 2 == 0 ? Alice : Bob;
            var sent = chat.Single(sender.Send("g1", $"message {i}")).Is<MessageSent>(2 + i);
            Assert.Equal($"message {i}", sent.Body);
        }
    }

    [Fact]
    public void Each_conversation_counts_its_own_seqs()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]), Alice.CreateDirect("d1", "bob"));

        chat.Single(Alice.Send("g1", "g-a")).Is<MessageSent>(2);
        chat.Single(Bob.Send("d1", "d-a")).Is<MessageSent>(2);
        chat.Single(Bob.Send("d1", "d-b")).Is<MessageSent>(3);
        chat.Single(Alice.Send("g1", "g-b")).Is<MessageSent>(3);
        chat.Single(Alice.Send("d1", "d-c")).Is<MessageSent>(4);
    }

    [Fact]
    public void A_non_member_is_refused_with_seq_0_and_takes_no_seq()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]), Alice.Send("g1", "one"));

        var rejected = chat.Single(Mallory.Send("g1", "spam", clientMessageId: "m-1"));
        rejected.IsRejected(RejectionCodes.NotMember, 0); // a non-member learns no seq
        Assert.Equal("mallory", rejected.UserId);
        Assert.Equal("m-1", rejected.ClientMessageId);

        chat.Single(Bob.Send("g1", "two")).Is<MessageSent>(3);
    }

    [Fact]
    public void Sending_to_a_conversation_that_does_not_exist_is_not_member()
    {
        using var chat = new ConversationDriver(registry.Serdes);

        chat.Single(Alice.Send("nowhere", "hello?")).IsRejected(RejectionCodes.NotMember, 0);
        Assert.True(chat.Receipts.IsEmpty);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_body_without_attachments_is_invalid(string body)
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        chat.Single(Alice.Send("g1", body)).IsRejected(RejectionCodes.InvalidCommand, 1);
        chat.Single(Alice.Send("g1", "now with text")).Is<MessageSent>(2);
    }

    [Fact]
    public void A_body_over_the_limit_is_invalid_and_one_at_the_limit_is_accepted()
    {
        using var chat = new ConversationDriver(registry.Serdes, new ConversationOptions { MaxBodyLength = 100 });
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        chat.Single(Alice.Send("g1", new string('x', 101))).IsRejected(RejectionCodes.InvalidCommand, 1);
        Assert.Equal(100, chat.Single(Alice.Send("g1", new string('x', 100))).Is<MessageSent>(2).Body.Length);
    }

    [Fact]
    public void A_body_over_the_default_limit_is_invalid()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        chat.Single(Alice.Send("g1", new string('x', new ConversationOptions().MaxBodyLength + 1))).IsRejected(RejectionCodes.InvalidCommand, 1);
    }

    [Fact]
    public void An_attachment_only_message_is_accepted_with_its_attachments_in_order()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));
        Attachment[] attachments =
        [
            new() { MediaId = "media-1", ContentType = "image/png", FileName = "cat.png", SizeBytes = 1234 },
            new() { MediaId = "media-2" },
        ];

        var sent = chat.Single(Alice.Send("g1", "", attachments: attachments)).Is<MessageSent>(2);

        Assert.Equal("", sent.Body);
        Assert.Equal(["media-1", "media-2"], sent.Attachments.Select(a => a.MediaId));
        Assert.Equal("image/png", sent.Attachments[0].ContentType);
        Assert.Equal("cat.png", sent.Attachments[0].FileName);
        Assert.Equal(1234, sent.Attachments[0].SizeBytes);
        Assert.Null(sent.Attachments[1].ContentType);
    }

    [Fact]
    public void Message_id_is_unique_per_message()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        var ids = Enumerable.Range(0, 5).Select(i => chat.Single(Alice.Send("g1", $"m{i}")).Is<MessageSent>(2 + i).MessageId).ToList();

        Assert.Equal(5, ids.Distinct().Count());
    }
}
