using ChatStreams.EndToEnd.Tests.Support;

namespace ChatStreams.EndToEnd.Tests;

[Collection(ChatSystemCollection.Name)]
public sealed class ReceiptsAndTypingTests(ChatSystem system)
{
    [Fact]
    public async Task Receipts_and_typing_reach_the_other_user_on_the_other_edge()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        await using var aliceDevice = await alice.ConnectAsync();
        await using var bobDevice = await Edges.ConnectOnAsync(bob, notEdge: Edges.Of(aliceDevice));
        Assert.NotEqual(Edges.Of(aliceDevice), Edges.Of(bobDevice));

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
}
