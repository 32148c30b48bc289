using ChatStreams.EndToEnd.Tests.Support;

namespace ChatStreams.EndToEnd.Tests;

[Collection(ChatSystemCollection.Name)]
public sealed class PresenceTests(ChatSystem system)
{
    private static Func<System.Text.Json.JsonElement, bool> Presence(ChatUser user, string status) =>
        f => ChatClient.Type(f) == "presence" && ChatClient.Str(f, "userId") == user.UserId && ChatClient.Str(f, "status") == status;

    [Fact]
    public async Task A_contact_goes_online_and_offline_with_a_clean_close()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        await alice.CreateConversationAsync("direct", [bob]);
        await using var watcher = await alice.ConnectAsync();
        var bobDevice = await bob.ConnectAsync();
        await watcher.WaitForAsync(Presence(bob, "online"));
        await bobDevice.DisposeAsync();
        var offline = await watcher.WaitForAsync(Presence(bob, "offline"));
        Assert.True(DateTime.Parse(ChatClient.Str(offline, "lastSeen")!).Year >= 2026);
    }

    [Fact]
    public async Task A_contact_on_a_killed_edge_goes_offline_after_the_inactivity_gap_and_the_edge_comes_back()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        await using var watcher = await alice.ConnectAsync();
        var bobDevice = await Edges.ConnectOnAsync(bob, notEdge: Edges.Of(watcher));
        await watcher.WaitForAsync(Presence(bob, "online"));
        await watcher.SendMessageAsync(conversation, "m1", "before the crash");
        await bobDevice.WaitForSeqAsync(conversation, 2);

        // kill -9: no close frame, no Disconnect event; heartbeats stop. Alice keeps writing meanwhile.
        var victim = Edges.Of(bobDevice);
        var oldPid = await system.SignalAsync(victim, 9);
        for (var i = 2; i <= 4; i++) await watcher.SendMessageAsync(conversation, $"m{i}", $"while bob's edge is down {i}");
        var offline = await watcher.WaitForAsync(Presence(bob, "offline"), TimeSpan.FromSeconds(60));
        Assert.NotNull(offline.GetProperty("lastSeen").GetString());
        await bobDevice.DisposeAsync();
        var afterOffline = watcher.Frames.Count;

        // The supervisor restarts the edge; once healthy again, bob reconnects and chats.
        await system.WaitForRestartAsync(victim, oldPid);
        await using var again = await bob.ConnectAsync();
        await again.SendAndWaitAsync(new { type = "resume", cursors = new Dictionary<string, long> { [conversation] = 2 } }, f => ChatClient.Type(f) == "resumed");
        Assert.Equal([3L, 4, 5], again.Sequenced(conversation).Select(f => f.GetProperty("seq").GetInt64())); // nothing lost in the crash
        await watcher.WaitForAsync(Presence(bob, "online"), from: afterOffline);
        await again.SendMessageAsync(conversation, "back", "I'm back");
        var back = await watcher.WaitForAsync(f => ChatClient.Type(f) == "message" && ChatClient.Str(f, "id") == "back");
        Assert.Equal(6, back.GetProperty("seq").GetInt64());
    }
}
