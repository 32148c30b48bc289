using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ChatStreams.EndToEnd.Tests.Support;

namespace ChatStreams.EndToEnd.Tests;

/// <summary>
/// Media through the gateway on `chatstreams up` (the local store in the data directory, shared by both edges):
/// upload, attach, receive with metadata, download — and nothing for someone outside the conversation.
/// </summary>
[Collection(ChatSystemCollection.Name)]
public sealed class MediaTests(ChatSystem system)
{
    [Fact]
    public async Task An_image_alice_sends_reaches_bob_with_its_metadata_and_bytes_and_never_mallory()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var mallory = await ChatUser.RegisterAsync(system);
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        byte[] image = [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, .. Enumerable.Range(0, 70_000).Select(i => (byte)(i * 13 % 256))];

        var (status, declared) = await alice.CallAsync(HttpMethod.Post, "/api/media",
            new { fileName = "sunset.png", contentType = "image/png", size = image.Length, conversationId = conversation });
        Assert.True(status == HttpStatusCode.Created, $"POST /api/media: {(int)status} {declared}");
        var mediaId = declared.GetProperty("mediaId").GetString()!;
        var uploadUrl = declared.GetProperty("uploadUrl").GetString()!;
        Assert.StartsWith(system.GatewayUrl + "/media/", uploadUrl); // back through the gateway, to whichever edge

        var upload = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(image) };
        foreach (var header in declared.GetProperty("uploadHeaders").EnumerateObject())
            upload.Content.Headers.TryAddWithoutValidation(header.Name, header.Value.GetString());
        using (var put = await system.Http.SendAsync(upload))
            Assert.True(put.StatusCode == HttpStatusCode.OK, $"PUT upload: {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");

        await using var bobDevice = await bob.ConnectAsync();
        await using var aliceDevice = await alice.ConnectAsync();
        var ack = await aliceDevice.SendAndWaitAsync(new { type = "send", id = "img-1", conversationId = conversation, body = "look!", attachments = new[] { mediaId } },
            f => ChatClient.Type(f) is "ack" or "error" && ChatClient.Str(f, "id") == "img-1");
        Assert.True(ChatClient.Type(ack) == "ack", ack.GetRawText());

        var message = await bobDevice.WaitForAsync(f => ChatClient.Type(f) == "message" && ChatClient.Str(f, "id") == "img-1", TimeSpan.FromSeconds(60));
        var attachment = Assert.Single(message.GetProperty("attachments").EnumerateArray());
        Assert.Equal((mediaId, "image/png", "sunset.png", image.Length),
            (ChatClient.Str(attachment, "mediaId"), ChatClient.Str(attachment, "contentType"), ChatClient.Str(attachment, "fileName"), attachment.GetProperty("size").GetInt32()));

        // Bob follows the redirect to a signed URL (the bearer token is not sent along) and gets the exact bytes.
        using (var download = await system.Http.SendAsync(bob.Request(HttpMethod.Get, $"/api/media/{mediaId}")))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
            Assert.Equal(image, await download.Content.ReadAsByteArrayAsync());
        }

        var (refused, problem) = await mallory.CallAsync(HttpMethod.Get, $"/api/media/{mediaId}");
        Assert.Equal((HttpStatusCode.Forbidden, "not_member"), (refused, ChatClient.Str(problem, "code")));
        var (uploadRefused, _) = await mallory.CallAsync(HttpMethod.Post, "/api/media",
            new { fileName = "x.png", contentType = "image/png", size = 10, conversationId = conversation });
        Assert.Equal(HttpStatusCode.Forbidden, uploadRefused);

        // Alice's media cannot ride on a message in another conversation, not even her own.
        var other = await alice.CreateConversationAsync("direct", [mallory]);
        var error = await aliceDevice.SendAndWaitAsync(new { type = "send", id = "img-2", conversationId = other, body = "", attachments = new[] { mediaId } },
            f => ChatClient.Type(f) is "ack" or "error" && ChatClient.Str(f, "id") == "img-2");
        Assert.Equal("invalid_attachment", ChatClient.Str(error, "code"));
    }
}
