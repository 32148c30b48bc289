using System.Text;
using ChatStreams.Contracts;
using ChatStreams.Streams.Serialization;
using ChatStreams.Topologies.Tests.Conversation.Support;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Conversation;

/// <summary>Bad commands are refused with a code (never thrown), unreadable records become dead letters.</summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class BadInputTests(ChatRegistry registry)
{
    private static readonly ChatUser Alice = new("alice");

    [Fact]
    public void A_command_whose_key_is_not_its_conversation_is_invalid_and_changes_nothing()
    {
        using var chat = new ConversationDriver(registry.Serdes);

        chat.Pipe("other-key", Alice.CreateGroup("g1", ["bob"]));
        chat.Events.ReadValuesToList().Single().IsRejected(RejectionCodes.InvalidCommand, 0);

        chat.Given(Alice.CreateGroup("g1", ["bob"]));
        chat.Pipe("other-key", Alice.Send("g1", "misrouted"));
        // The conversation's state lives in another task when the key is wrong: the refusal reports no seq.
        chat.Events.ReadValuesToList().Single().IsRejected(RejectionCodes.InvalidCommand, 0);
        chat.Single(Alice.Send("g1", "routed")).Is<MessageSent>(2);
    }

    [Theory]
    [InlineData("al\0ice")]
    [InlineData("")]
    [InlineData("  ")]
    public void A_command_with_an_unusable_user_id_is_invalid(string userId)
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));

        chat.Single(new ChatUser(userId).Send("g1", "hi")).IsRejected(RejectionCodes.InvalidCommand, 0);
        chat.Single(new ChatUser(userId).CreateGroup("g2", ["bob"])).IsRejected(RejectionCodes.InvalidCommand, 0);
        chat.Single(Alice.Send("g1", "fine")).Is<MessageSent>(2);
    }

    [Fact]
    public void A_conversation_id_with_a_nul_is_invalid()
    {
        using var chat = new ConversationDriver(registry.Serdes);

        chat.Single(Alice.CreateGroup("g\01", ["bob"])).IsRejected(RejectionCodes.InvalidCommand, 0);
        chat.Single(Alice.CreateGroup("g", ["bob"])).Is<ConversationCreated>(1);
    }

    [Fact]
    public void Member_ids_with_a_nul_are_invalid()
    {
        using var chat = new ConversationDriver(registry.Serdes);

        chat.Single(Alice.CreateGroup("g1", ["bob\0admin"])).IsRejected(RejectionCodes.InvalidCommand, 0);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));
        chat.Single(Alice.Add("g1", "carol\0")).IsRejected(RejectionCodes.InvalidCommand, 1);
        chat.Single(Alice.Remove("g1", "bob\0")).IsRejected(RejectionCodes.NotFound, 1);
        chat.Single(Alice.Add("g1", new string('u', 201))).IsRejected(RejectionCodes.InvalidCommand, 1);
    }

    [Fact]
    public void A_poison_record_goes_to_the_dead_letters_and_processing_continues()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));
        var raw = chat.Driver.CreateInputTopic(Topics.ChatCommands, Serdes.String, Serdes.ByteArray);
        var poison = Encoding.UTF8.GetBytes("{\"type\":\"send\",\"body\":\"not avro\"}");

        raw.PipeInput("g1", poison, ConversationDriver.StartMs + 60_000);

        var dead = Assert.Single(chat.Driver.GetDeadLetters());
        Assert.Equal(Topics.ChatCommands, dead.SourceTopic);
        Assert.Equal(poison, dead.Value);
        Assert.Equal("g1", Encoding.UTF8.GetString(dead.Key!));
        Assert.True(chat.Events.IsEmpty);
        Assert.True(chat.Receipts.IsEmpty);

        chat.Single(Alice.Send("g1", "after the poison")).Is<MessageSent>(2);
    }

    [Fact]
    public void A_record_in_wire_format_with_an_unknown_schema_id_is_a_dead_letter_too()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        var raw = chat.Driver.CreateInputTopic(Topics.ChatCommands, Serdes.String, Serdes.ByteArray);

        raw.PipeInput("g1", [0, 0x7f, 0xff, 0xff, 0xf0, 2, 4, 6], ConversationDriver.StartMs);
        raw.PipeInput("g1", [], ConversationDriver.StartMs);

        Assert.Equal(2, chat.Driver.GetDeadLetters().Count);
        chat.Single(Alice.CreateGroup("g1", ["bob"])).Is<ConversationCreated>(1);
    }

    [Fact]
    public void A_tombstone_on_the_commands_topic_is_skipped()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(Alice.CreateGroup("g1", ["bob"]));
        var raw = chat.Driver.CreateInputTopic(Topics.ChatCommands, Serdes.String, Serdes.ByteArray);

        raw.PipeInput("g1", null, ConversationDriver.StartMs + 60_000);

        Assert.True(chat.Events.IsEmpty);
        chat.Single(Alice.Send("g1", "still fine")).Is<MessageSent>(2);
    }
}
