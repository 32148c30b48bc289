using System.Text.Json;
using ChatStreams.EndToEnd.Tests.Support;

namespace ChatStreams.EndToEnd.Tests;

[Collection(ChatSystemCollection.Name)]
public sealed class ResumeTests(ChatSystem system)
{
    [Fact]
    public async Task A_device_that_reconnects_and_resumes_while_messages_flow_ends_with_every_seq_exactly_once()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        await using var sender = await alice.ConnectAsync();
        const int total = 150;

        // Alice keeps sending while Bob's phone drops its connection three times and resumes.
        var sending = Task.Run(async () =>
        {
            for (var i = 1; i <= total; i++)
            {
                await sender.SendMessageAsync(conversation, $"flow-{i}", $"message {i}");
                await Task.Delay(60); // a lively human pace, under the per-connection rate limit (20 frames/s)
            }
        });
        var received = new List<JsonElement>();
        var phone = await bob.ConnectAsync("phone");
        await phone.SendAsync(new { type = "resume", cursors = new Dictionary<string, long> { [conversation] = 0 } });
        try
        {
            for (var drop = 0; drop < 3; drop++)
            {
                await phone.WaitForSeqAsync(conversation, 20 + drop * 40);
                phone.Abort(); // the network goes away: no close handshake
                await Task.Delay(100);
                received.AddRange(phone.Sequenced(conversation));
                await phone.DisposeAsync();
                var cursor = received.Count == 0 ? 0 : received.Max(f => f.GetProperty("seq").GetInt64());
                phone = await bob.ConnectAsync("phone");
                await phone.SendAsync(new { type = "resume", cursors = new Dictionary<string, long> { [conversation] = cursor } });
                await phone.WaitForAsync(f => ChatClient.Type(f) == "resumed");
            }
            await sending;
            await phone.WaitForSeqAsync(conversation, total + 1);
            received.AddRange(phone.Sequenced(conversation));
        }
        finally
        {
            await phone.DisposeAsync();
        }
        var seqs = received.Select(f => f.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, total + 1).Select(s => (long)s), seqs); // in order, no hole, no duplicate
        Assert.Equal(Enumerable.Range(1, total).Select(i => $"message {i}"),
            received.Where(f => ChatClient.Type(f) == "message").Select(f => ChatClient.Str(f, "body")));
    }

    [Fact]
    public async Task Resume_after_being_offline_returns_the_missed_messages_then_live_ones()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        await using var sender = await alice.ConnectAsync();
        for (var i = 1; i <= 5; i++) await sender.SendMessageAsync(conversation, $"m{i}", $"missed {i}");
        // Bob was away while they were stored. (Right after the acks the history sink may trail by more than the 2 s a
        // resume waits for it on a loaded machine; the rest then arrives as a live-tail fill, which other tests cover.)
        await WaitUntilStoredAsync(bob, conversation, 6);

        // Bob held seq 2; 3..6 come from history, then the live message 7, nothing twice.
        await using var phone = await bob.ConnectAsync();
        var resumed = await phone.SendAndWaitAsync(new { type = "resume", cursors = new Dictionary<string, long> { [conversation] = 2 } },
            f => ChatClient.Type(f) == "resumed");
        Assert.Equal(6, resumed.GetProperty("cursors").GetProperty(conversation).GetInt64());
        await sender.SendMessageAsync(conversation, "live", "live one");
        await phone.WaitForSeqAsync(conversation, 7);
        Assert.Equal([3L, 4, 5, 6, 7], phone.Sequenced(conversation).Select(f => f.GetProperty("seq").GetInt64()));
    }

    private static async Task WaitUntilStoredAsync(ChatUser reader, string conversation, long seq)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        long newest = 0;
        while (DateTime.UtcNow < deadline)
        {
            var (status, page) = await reader.CallAsync(HttpMethod.Get, $"/api/conversations/{conversation}/messages?limit=1");
            if (status == System.Net.HttpStatusCode.OK && page.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } item)
                newest = item.GetProperty("seq").GetInt64();
            if (newest >= seq) return;
            await Task.Delay(100);
        }
        Assert.Fail($"history never held seq {seq} of {conversation} (newest stored {newest})");
    }
}
