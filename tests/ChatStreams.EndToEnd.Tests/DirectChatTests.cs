using System.Net;
using System.Text.Json;
using ChatStreams.EndToEnd.Tests.Support;

namespace ChatStreams.EndToEnd.Tests;

[Collection(ChatSystemCollection.Name)]
public sealed class DirectChatTests(ChatSystem system)
{
    [Fact]
    public async Task Messages_are_acked_and_reach_every_device_of_both_users_in_seq_order()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        // Each user has a device on each edge.
        await using var alicePhone = await alice.ConnectAsync("phone");
        await using var aliceLaptop = await Edges.ConnectOnAsync(alice, notEdge: Edges.Of(alicePhone), deviceId: "laptop");
        await using var bobPhone = await Edges.ConnectOnAsync(bob, edge: Edges.Of(aliceLaptop), deviceId: "phone");
        await using var bobLaptop = await Edges.ConnectOnAsync(bob, edge: Edges.Of(alicePhone), deviceId: "laptop");
        var devices = new[] { alicePhone, aliceLaptop, bobPhone, bobLaptop };
        Assert.Equal(2, devices.Select(Edges.Of).Distinct().Count());

        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        const int count = 20;
        for (var i = 1; i <= count; i++)
        {
            var sender = i % 2 == 0 ? bobPhone : alicePhone;
            var ack = await sender.SendMessageAsync(conversation, $"m{i}", $"hello {i}");
            Assert.Equal(conversation, ChatClient.Str(ack, "conversationId"));
        }

        foreach (var device in devices)
        {
            await device.WaitForSeqAsync(conversation, count + 1);
            var sequenced = device.Sequenced(conversation);
            Assert.Equal(Enumerable.Range(1, count + 1).Select(s => (long)s), sequenced.Select(f => f.GetProperty("seq").GetInt64()));
            Assert.Equal("conversation", ChatClient.Type(sequenced[0]));
            var messages = device.Messages(conversation);
            Assert.Equal(Enumerable.Range(1, count).Select(i => $"hello {i}"), messages.Select(m => ChatClient.Str(m, "body")));
            Assert.Equal(Enumerable.Range(1, count).Select(i => $"m{i}"), messages.Select(m => ChatClient.Str(m, "id")));
            Assert.All(messages, m => Assert.Equal(int.Parse(ChatClient.Str(m, "id")![1..]) % 2 == 0 ? bob.UserId : alice.UserId, ChatClient.Str(m, "senderId")));
        }

        // REST sees the same history and the caller's view of the conversation.
        var (status, page) = await alice.CallAsync(HttpMethod.Get, $"/api/conversations/{conversation}/messages?limit=5");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([21L, 20, 19, 18, 17], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("seq").GetInt64()));
        Assert.True(page.GetProperty("hasMore").GetBoolean());
        var (_, list) = await bob.CallAsync(HttpMethod.Get, "/api/conversations");
        var summary = list.EnumerateArray().Single(c => ChatClient.Str(c, "conversationId") == conversation);
        Assert.Equal(21, summary.GetProperty("lastSeq").GetInt64());
    }

    [Fact]
    public async Task A_resent_send_gets_the_same_seq_and_no_second_message()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        await using var sender = await alice.ConnectAsync();
        await using var receiver = await bob.ConnectAsync();
        await sender.SendMessageAsync(conversation, "once", "only once");
        await receiver.WaitForAsync(f => ChatClient.Type(f) == "message" && ChatClient.Str(f, "id") == "once");

        // The same id again (a resend after a timeout): the sequencer re-acks with the original seq.
        var reAck = await sender.SendAndWaitAsync(new { type = "send", id = "once", conversationId = conversation, body = "only once" },
            f => ChatClient.Type(f) == "ack" && ChatClient.Str(f, "id") == "once" && f.TryGetProperty("duplicate", out _));
        Assert.Equal(2, reAck.GetProperty("seq").GetInt64());
        await sender.SendMessageAsync(conversation, "after", "next");
        await receiver.WaitForAsync(f => ChatClient.Type(f) == "message" && ChatClient.Str(f, "id") == "after");
        Assert.Single(receiver.Messages(conversation), m => ChatClient.Str(m, "id") == "once");
        Assert.Single(sender.Messages(conversation), m => ChatClient.Str(m, "id") == "once");
        Assert.Equal(3, receiver.Messages(conversation).Single(m => ChatClient.Str(m, "id") == "after").GetProperty("seq").GetInt64());
    }
}
