using System.Net;
using System.Text.Json;
using ChatStreams.EndToEnd.Tests.Support;

namespace ChatStreams.EndToEnd.Tests;

/// <summary>
/// Encrypted conversations through the whole system: created over REST with an e2e- id, ciphertext delivered byte
/// for byte to every device and kept by history, plaintext refused with encryption_required.
/// </summary>
[Collection(ChatSystemCollection.Name)]
public sealed class EncryptedConversationTests(ChatSystem system)
{
    [Fact]
    public async Task Ciphertext_is_delivered_and_kept_as_sent_and_plaintext_is_refused_with_encryption_required()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var (status, created) = await alice.CallAsync(HttpMethod.Post, "/api/conversations", new { kind = "direct", members = new[] { bob.UserId }, encrypted = true });
        Assert.Equal(HttpStatusCode.Created, status);
        var conversation = created.GetProperty("conversationId").GetString()!;
        Assert.StartsWith("e2e-dm-", conversation, StringComparison.Ordinal);

        await using var aliceSocket = await alice.ConnectAsync();
        await using var bobSocket = await bob.ConnectAsync();
        var ciphertext = Convert.ToBase64String([0x01, 0x02, 0xFE, 0xFF, 0x00, 0x42]);
        await aliceSocket.SendAsync(new { type = "send", id = "c-1", conversationId = conversation, ciphertext });
        var delivered = await bobSocket.WaitForAsync(f => ChatClient.Type(f) == "message" && ChatClient.Str(f, "conversationId") == conversation);
        Assert.Equal(ciphertext, ChatClient.Str(delivered, "ciphertext"));
        Assert.Equal("", ChatClient.Str(delivered, "body"));

        var seen = aliceSocket.Frames.Count;
        await aliceSocket.SendAsync(new { type = "send", id = "p-1", conversationId = conversation, body = "this must never be stored" });
        var refused = await aliceSocket.WaitForAsync(f => ChatClient.Type(f) == "error" && ChatClient.Str(f, "id") == "p-1", from: seen);
        Assert.Equal("encryption_required", ChatClient.Str(refused, "code"));

        // History hands the ciphertext back (resume and history pages work for devices that were away).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var (_, page) = await bob.CallAsync(HttpMethod.Get, $"/api/conversations/{conversation}/messages?limit=10");
            var stored = page.GetProperty("items").EnumerateArray().Where(i => ChatClient.Type(i) == "message").ToList();
            if (stored.Count > 0)
            {
                Assert.Equal(ciphertext, Assert.Single(stored).GetProperty("ciphertext").GetString());
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "history never stored the encrypted message");
            await Task.Delay(500);
        }
        var (_, list) = await bob.CallAsync(HttpMethod.Get, "/api/conversations");
        Assert.True(list.EnumerateArray().Single(c => c.GetProperty("conversationId").GetString() == conversation).GetProperty("encrypted").GetBoolean());
    }
}
