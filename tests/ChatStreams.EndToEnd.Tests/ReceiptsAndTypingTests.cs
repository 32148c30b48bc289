using ChatStreams.EndToEnd.Tests.Support;

namespace ChatStreams.EndToEnd.Tests;

[Collection(ChatSystemCollection.Name)]
public sealed class ReceiptsAndTypingTests(ChatSystem system)
{
    /// <summary>Alice and bob in a direct conversation, each connected, at different edges.</summary>
    private async Task<(ChatUser Alice, ChatUser Bob, string Conversation, ChatClient AliceDevice, ChatClient BobDevice)> DirectChatOnTwoEdgesAsync()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        var aliceDevice = await alice.ConnectAsync();
        var bobDevice = await Edges.ConnectOnAsync(bob, notEdge: Edges.Of(aliceDevice));
        Assert.NotEqual(Edges.Of(aliceDevice), Edges.Of(bobDevice));
        return (alice, bob, conversation, aliceDevice, bobDevice);
    }

    [Fact]
    public async Task Receipts_and_typing_reach_the_other_user_on_the_other_edge()
    {
        var (alice, bob, conversation, aliceDevice, bobDevice) = await DirectChatOnTwoEdgesAsync();
        await using var _ = aliceDevice;
        await using var __ = bobDevice;

        for (var i = 1; i <= 3; i++) await aliceDevice.SendMessageAsync(conversation, $"r{i}", $"read me {i}");
        await bobDevice.WaitForSeqAsync(conversation, 4);

        await bobDevice.SendAsync(new { type = "receipt", conversationId = conversation, seq = 4, status = "delivered" });
        var delivered = await aliceDevice.WaitForAsync(f => ChatClient.Type(f) == "receipt" && ChatClient.Str(f, "userId") == bob.UserId
            && ChatClient.Str(f, "status") == "delivered" && f.GetProperty("seq").GetInt64() == 4);
        Assert.Equal(conversation, ChatClient.Str(delivered, "conversationId"));
        await bobDevice.SendAsync(new { type = "receipt", conversationId = conversation, seq = 3, status = "read" });
        await aliceDevice.WaitForAsync(f => ChatClient.Type(f) == "receipt" && ChatClient.Str(f, "userId") == bob.UserId
            && ChatClient.Str(f, "status") == "read" && f.GetProperty("seq").GetInt64() == 3);

        // Bob's unread count follows his read mark.
        var (_, list) = await bob.CallAsync(HttpMethod.Get, "/api/conversations");
        var mine = list.EnumerateArray().Single(c => ChatClient.Str(c, "conversationId") == conversation);
        Assert.Equal(3, mine.GetProperty("readSeq").GetInt64());
        Assert.Equal(1, mine.GetProperty("unread").GetInt64());

        // Typing crosses edges through Redis, and is not echoed to the typist.
        await aliceDevice.SendAsync(new { type = "typing", conversationId = conversation, state = "start" });
        await bobDevice.WaitForAsync(f => ChatClient.Type(f) == "typing" && ChatClient.Str(f, "userId") == alice.UserId && ChatClient.Str(f, "state") == "start");
        await aliceDevice.SendAsync(new { type = "typing", conversationId = conversation, state = "stop" });
        await bobDevice.WaitForAsync(f => ChatClient.Type(f) == "typing" && ChatClient.Str(f, "state") == "stop");
        Assert.DoesNotContain(aliceDevice.Frames, f => ChatClient.Type(f) == "typing");
    }

    [Fact]
    public async Task A_reply_reads_the_messages_before_it_the_sender_learns_it_on_the_other_edge_and_the_replier_s_device_too()
    {
        var (alice, bob, conversation, aliceDevice, bobDevice) = await DirectChatOnTwoEdgesAsync();
        await using var _ = aliceDevice;
        await using var __ = bobDevice;

        await aliceDevice.SendMessageAsync(conversation, "q1", "a question");   // seq 2
        await bobDevice.WaitForSeqAsync(conversation, 2);
        await bobDevice.SendMessageAsync(conversation, "a1", "an answer");      // seq 3: bob's read mark moves to it

        static bool ReadBy(System.Text.Json.JsonElement f, string user, long seq) => ChatClient.Type(f) == "receipt"
            && ChatClient.Str(f, "userId") == user && ChatClient.Str(f, "status") == "read" && f.GetProperty("seq").GetInt64() == seq;
        await aliceDevice.WaitForAsync(f => ReadBy(f, bob.UserId, 3));   // the sender whose message it covers
        await bobDevice.WaitForAsync(f => ReadBy(f, bob.UserId, 3));     // the replier's own device
        await aliceDevice.WaitForAsync(f => ReadBy(f, alice.UserId, 2)); // alice's own message moved her mark too
        Assert.DoesNotContain(bobDevice.Frames, f => ReadBy(f, alice.UserId, 2)); // bob sent nothing alice's mark covers
    }
}
