using ChatStreams.Contracts;
using ChatStreams.Topologies.Tests.Conversation.Support;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Conversation;

/// <summary>
/// End-to-end encrypted conversations: the sequencer orders and dedups opaque ciphertext like any message, and
/// refuses anything that would put plaintext in the stores.
/// </summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class EncryptedConversationTests(ChatRegistry registry)
{
    private const string Secret = "e2e-group";
    private static readonly ChatUser Alice = new("alice");
    private static readonly ChatUser Bob = new("bob");

    private static ChatCommand CreateEncrypted(ChatUser user, string id, IEnumerable<string> members) =>
        user.Command(id, new CreateConversation { Kind = ConversationKind.Group, Members = members.ToList(), Encrypted = true });

    private static ChatCommand SendCiphertext(ChatUser user, string id, byte[] ciphertext, string? clientMessageId = null) =>
        user.Command(id, new SendMessage { Body = "", Ciphertext = ciphertext }, clientMessageId);

    [Fact]
    public void Ciphertext_is_sequenced_in_order_and_passed_through_byte_for_byte()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        var created = chat.Single(CreateEncrypted(Alice, Secret, ["bob"])).Is<ConversationCreated>(1);
        Assert.True(created.Encrypted);

        for (var i = 0; i < 10; i++)
        {
            var bytes = new byte[] { 0, 1, 0xFF, (byte)i };
            var sent = chat.Single(SendCiphertext(i % 2 == 0 ? Alice : Bob, Secret, bytes)).Is<MessageSent>(2 + i);
            Assert.Equal(bytes, sent.Ciphertext);
            Assert.Equal("", sent.Body);
        }
    }

    [Fact]
    public void A_resent_ciphertext_is_deduplicated_to_the_original_seq()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(CreateEncrypted(Alice, Secret, ["bob"]));
        chat.Single(SendCiphertext(Alice, Secret, [1, 2, 3], clientMessageId: "c-1")).Is<MessageSent>(2);

        var again = chat.Single(SendCiphertext(Alice, Secret, [1, 2, 3], clientMessageId: "c-1")).Is<CommandDeduplicated>(2);
        Assert.Equal(2, again.OriginalSeq);
        chat.Single(SendCiphertext(Bob, Secret, [4])).Is<MessageSent>(3);
    }

    [Fact]
    public void Plaintext_attachments_and_edits_are_refused_with_encryption_required()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Given(CreateEncrypted(Alice, Secret, ["bob"]), SendCiphertext(Alice, Secret, [9]));

        chat.Single(Alice.Send(Secret, "hello in plaintext")).IsRejected(RejectionCodes.EncryptionRequired, 2);
        chat.Single(Alice.Command(Secret, new SendMessage { Body = "", Ciphertext = [1], Attachments = [new Attachment { MediaId = "m1" }] }))
            .IsRejected(RejectionCodes.EncryptionRequired, 2);
        chat.Single(Alice.Command(Secret, new SendMessage { Body = "", Ciphertext = [] })).IsRejected(RejectionCodes.EncryptionRequired, 2);
        chat.Single(Alice.Edit(Secret, 2, "edited in plaintext")).IsRejected(RejectionCodes.EncryptionRequired, 2);
        // Deletes and reactions carry no content: they still work.
        chat.Single(Alice.Delete(Secret, 2)).Is<MessageDeleted>(3);
    }

    [Fact]
    public void Ciphertext_in_a_plain_conversation_and_oversized_ciphertext_are_invalid()
    {
        using var chat = new ConversationDriver(registry.Serdes, new ConversationOptions { MaxCiphertextBytes = 8 });
        chat.Given(Alice.CreateGroup("plain", ["bob"]), CreateEncrypted(Alice, Secret, ["bob"]));

        chat.Single(SendCiphertext(Alice, "plain", [1, 2])).IsRejected(RejectionCodes.InvalidCommand, 1);
        chat.Single(SendCiphertext(Alice, Secret, new byte[9])).IsRejected(RejectionCodes.InvalidCommand, 1);
        chat.Single(SendCiphertext(Alice, Secret, new byte[8])).Is<MessageSent>(2);
    }

    [Fact]
    public void The_encrypted_flag_and_the_id_must_agree()
    {
        using var chat = new ConversationDriver(registry.Serdes);
        chat.Single(CreateEncrypted(Alice, "not-prefixed", ["bob"])).IsRejected(RejectionCodes.InvalidCommand, 0);
        chat.Single(Alice.CreateGroup(EncryptedConversations.IdPrefix + "plain", ["bob"])).IsRejected(RejectionCodes.InvalidCommand, 0);
    }
}
