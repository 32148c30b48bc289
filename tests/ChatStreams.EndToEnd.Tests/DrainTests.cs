using ChatStreams.EndToEnd.Tests.Support;

namespace ChatStreams.EndToEnd.Tests;

[Collection(ChatSystemCollection.Name)]
public sealed class DrainTests(ChatSystem system)
{
    [Fact]
    public async Task A_stopping_edge_tells_its_clients_to_reconnect_and_they_resume_on_the_other_edge_without_loss()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        await using var sender = await alice.ConnectAsync();
        var phone = await Edges.ConnectOnAsync(bob, notEdge: Edges.Of(sender));
        var draining = Edges.Of(phone);
        await sender.SendMessageAsync(conversation, "d1", "before the drain");
        await phone.WaitForSeqAsync(conversation, 2);

        var oldPid = await system.SignalAsync(draining, 15); // SIGTERM: a rolling restart
        var notice = await phone.WaitForAsync(f => ChatClient.Type(f) == "reconnect");
        Assert.Equal("edge_draining", ChatClient.Str(notice, "reason"));
        await sender.SendMessageAsync(conversation, "d2", "during the drain");
        await phone.WaitForAsync(_ => phone.Closed, TimeSpan.FromSeconds(30)).ContinueWith(_ => { });
        Assert.True(phone.Closed);
        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, phone.CloseStatus);
        var held = phone.Sequenced(conversation).Max(f => f.GetProperty("seq").GetInt64());
        await phone.DisposeAsync();

        // The gateway routes the reconnect to the edge still serving; resume fills what was missed.
        await using var again = await bob.ReconnectAsync();
        Assert.NotEqual(draining, Edges.Of(again));
        await again.SendAsync(new { type = "resume", cursors = new Dictionary<string, long> { [conversation] = held } });
        await again.WaitForSeqAsync(conversation, 3);
        Assert.Equal(Enumerable.Range((int)held + 1, 3 - (int)held).Select(s => (long)s), again.Sequenced(conversation).Select(f => f.GetProperty("seq").GetInt64()));
        await system.WaitForRestartAsync(draining, oldPid);
    }
}
