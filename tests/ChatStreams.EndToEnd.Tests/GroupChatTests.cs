using System.Net;
using ChatStreams.EndToEnd.Tests.Support;

namespace ChatStreams.EndToEnd.Tests;

[Collection(ChatSystemCollection.Name)]
public sealed class GroupChatTests(ChatSystem system)
{
    [Fact]
    public async Task A_group_of_50_sees_every_message_in_order_and_a_removed_member_nothing_after_the_removal()
    {
        var users = new List<ChatUser>();
        for (var i = 0; i < 50; i++) users.Add(await ChatUser.RegisterAsync(system));
        var admin = users[0];
        var removed = users[17];
        var devices = new List<ChatClient>();
        try
        {
            foreach (var user in users) devices.Add(await user.ConnectAsync());
            var conversation = await admin.CreateConversationAsync("group", users.Skip(1), "fifty");

            // 10 messages from various members, the removal, then 10 more (the removed member's sends are refused).
            for (var i = 0; i < 10; i++) await devices[(i * 7) % 50].SendMessageAsync(conversation, $"before-{i}", $"before {i}");
            var (status, removal) = await admin.CallAsync(HttpMethod.Delete, $"/api/conversations/{conversation}/members/{removed.UserId}");
            Assert.Equal(HttpStatusCode.OK, status);
            var removalSeq = removal.GetProperty("seq").GetInt64();
            Assert.Equal(12, removalSeq);
            var stillMembers = devices.Where((_, index) => index != 17).ToList();
            for (var i = 0; i < 10; i++) await stillMembers[(i * 11 + 1) % stillMembers.Count].SendMessageAsync(conversation, $"after-{i}", $"after {i}");
            var refused = await devices[17].SendAndWaitAsync(new { type = "send", id = "late", conversationId = conversation, body = "let me in" },
                f => ChatClient.Type(f) == "error" && ChatClient.Str(f, "id") == "late");
            Assert.Equal("not_member", ChatClient.Str(refused, "code"));

            const long last = 22;
            for (var i = 0; i < devices.Count; i++)
            {
                var device = devices[i];
                if (i == 17)
                {
                    await device.WaitForSeqAsync(conversation, removalSeq);
                    var seen = device.Sequenced(conversation).Select(f => f.GetProperty("seq").GetInt64()).ToList();
                    Assert.Equal(Enumerable.Range(1, (int)removalSeq).Select(s => (long)s), seen);
                    Assert.Equal("member_removed", ChatClient.Type(device.Sequenced(conversation)[^1]));
                    continue;
                }
                await device.WaitForSeqAsync(conversation, last);
                Assert.Equal(Enumerable.Range(1, (int)last).Select(s => (long)s), device.Sequenced(conversation).Select(f => f.GetProperty("seq").GetInt64()));
            }
            // Nothing after the removal reached the removed member, even later.
            await devices[1].SendMessageAsync(conversation, "final", "final");
            await devices[2].WaitForSeqAsync(conversation, last + 1);
            Assert.DoesNotContain(devices[17].Sequenced(conversation), f => f.GetProperty("seq").GetInt64() > removalSeq);

            // History over REST: the removed member reads up to the removal only.
            var (_, page) = await removed.CallAsync(HttpMethod.Get, $"/api/conversations/{conversation}/messages?after=0&limit=200");
            Assert.Equal(Enumerable.Range(1, (int)removalSeq).Select(s => (long)s), page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("seq").GetInt64()));
        }
        finally
        {
            foreach (var device in devices) await device.DisposeAsync();
        }
    }
}
