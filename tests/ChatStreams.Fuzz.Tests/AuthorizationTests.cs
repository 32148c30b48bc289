using System.Net;
using System.Text.Json;
using ChatStreams.Fuzz.Tests.Support;

namespace ChatStreams.Fuzz.Tests;

/// <summary>
/// The security review's authorization matrix, through the gateway: every REST endpoint refuses a call without a
/// token; every conversation-scoped endpoint and frame refuses a stranger (not_member); membership changes refuse a
/// member who is no admin (not_admin); changing someone else's message is not_author. Nothing refused changes the
/// conversation.
/// </summary>
[Collection(FuzzSystemCollection.Name)]
public sealed class AuthorizationTests(FuzzSystem system)
{
    [Fact]
    public async Task Every_rest_endpoint_but_register_login_and_the_vapid_key_needs_a_token()
    {
        var c = Guid.NewGuid().ToString("N");
        var calls = new (HttpMethod Method, string Path)[]
        {
            (HttpMethod.Get, "/api/users/me"), (HttpMethod.Get, "/api/users?query=ab"), (HttpMethod.Post, "/api/conversations"),
            (HttpMethod.Get, "/api/conversations"), (HttpMethod.Get, $"/api/conversations/{c}"), (HttpMethod.Post, $"/api/conversations/{c}/members"),
            (HttpMethod.Delete, $"/api/conversations/{c}/members/{c}"), (HttpMethod.Get, $"/api/conversations/{c}/messages"),
            (HttpMethod.Get, "/api/contacts"), (HttpMethod.Get, "/api/search?q=x"), (HttpMethod.Post, "/api/media"), (HttpMethod.Get, $"/api/media/{c}"),
            (HttpMethod.Post, "/api/push/subscriptions"), (HttpMethod.Delete, "/api/push/subscriptions?endpoint=x"),
            (HttpMethod.Get, $"/api/conversations/{c}/mute"), (HttpMethod.Put, $"/api/conversations/{c}/mute"), (HttpMethod.Delete, $"/api/conversations/{c}/mute"),
            (HttpMethod.Get, "/ws"),
        };
        foreach (var (method, path) in calls)
        {
            using var request = new HttpRequestMessage(method, system.GatewayUrl + path);
            if (method != HttpMethod.Get && method != HttpMethod.Delete) request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            var answer = await HttpAnswer.SendAsync(system.Http, request);
            Assert.True(answer.Status == HttpStatusCode.Unauthorized && answer.Code == "unauthorized", $"{method} {path}: {answer}");
        }
        // Public on purpose: the VAPID public key; and the gateway does not expose the edges' metrics.
        Assert.Equal(HttpStatusCode.OK, (await HttpAnswer.SendAsync(system.Http, new HttpRequestMessage(HttpMethod.Get, system.GatewayUrl + "/api/push/vapid-public-key"))).Status);
        var metrics = await HttpAnswer.SendAsync(system.Http, new HttpRequestMessage(HttpMethod.Get, system.GatewayUrl + "/metrics"));
        Assert.True(metrics.Status == HttpStatusCode.NotFound && metrics.Code == "not_found", $"/metrics: {metrics}");
    }

    [Fact]
    public async Task A_stranger_is_refused_on_every_conversation_endpoint_and_frame()
    {
        var alice = await FuzzAccount.RegisterAsync(system, "alice");
        var bob = await FuzzAccount.RegisterAsync(system, "bob");
        var mallory = await FuzzAccount.RegisterAsync(system, "mallory");
        var group = await alice.CreateConversationAsync("group", [bob], "members only");
        await using var aliceSocket = await alice.ConnectAsync();
        var seq = await SendAsync(aliceSocket, group, "a1", "secret");
        var media = await alice.CallAsync(HttpMethod.Post, "/api/media", new { fileName = "a.png", contentType = "image/png", size = 3, conversationId = group });
        Assert.Equal(HttpStatusCode.Created, media.Status);
        var mediaId = media.Json.GetProperty("mediaId").GetString();
        var before = (await alice.CallAsync(HttpMethod.Get, $"/api/conversations/{group}/messages?limit=200")).Body;

        var refusals = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, $"/api/conversations/{group}", null),
            (HttpMethod.Get, $"/api/conversations/{group}/messages", null),
            (HttpMethod.Post, $"/api/conversations/{group}/members", new { userId = mallory.UserId }),
            (HttpMethod.Delete, $"/api/conversations/{group}/members/{bob.UserId}", null),
            (HttpMethod.Post, "/api/media", new { fileName = "b.png", contentType = "image/png", size = 3, conversationId = group }),
            (HttpMethod.Get, $"/api/media/{mediaId}", null),
            (HttpMethod.Get, $"/api/conversations/{group}/mute", null),
            (HttpMethod.Put, $"/api/conversations/{group}/mute", new { }),
            (HttpMethod.Delete, $"/api/conversations/{group}/mute", null),
        };
        foreach (var (method, path, body) in refusals)
        {
            var answer = await mallory.CallAsync(method, path, body);
            Assert.True(answer.Status == HttpStatusCode.Forbidden && answer.Code == "not_member", $"mallory {method} {path}: {answer}");
        }
        // Search finds nothing of the group for a stranger, named or not.
        foreach (var query in new[] { "/api/search?q=secret", $"/api/search?q=secret&conversationId={group}" })
        {
            var search = await mallory.CallAsync(HttpMethod.Get, query);
            Assert.Equal(HttpStatusCode.OK, search.Status);
            Assert.Equal(0, search.Json.GetProperty("hits").GetArrayLength());
        }

        await using var socket = await mallory.ConnectAsync();
        var frames = new object[]
        {
            new { type = "send", id = "m1", conversationId = group, body = "let me in" },
            new { type = "receipt", id = "m2", conversationId = group, seq, status = "read" },
            new { type = "typing", conversationId = group, state = "start" },
            new { type = "edit", id = "m3", conversationId = group, seq, body = "mine now" },
            new { type = "delete", id = "m4", conversationId = group, seq },
            new { type = "react", id = "m5", conversationId = group, seq, emoji = "👍" },
            new { type = "resume", cursors = new Dictionary<string, long> { [group] = 0 } },
        };
        foreach (var frame in frames)
        {
            var from = socket.Count;
            await socket.SendAsync(FuzzSocket.Utf8(JsonSerializer.Serialize(frame)));
            var error = await socket.WaitForAsync(f => FuzzSocket.Type(f) == "error", from);
            Assert.True(error is { } e && FuzzSocket.Str(e, "code") == "not_member" && FuzzSocket.Str(e, "conversationId") == group,
                $"{JsonSerializer.Serialize(frame)} answered {error?.GetRawText() ?? "nothing"}");
        }
        Assert.DoesNotContain(socket.Frames, f => FuzzSocket.Type(f) is "message" or "edited" or "deleted" or "reaction" or "conversation");
        Assert.Equal(before, (await alice.CallAsync(HttpMethod.Get, $"/api/conversations/{group}/messages?limit=200")).Body);
    }

    [Fact]
    public async Task A_member_who_is_no_admin_cannot_change_members_nor_anothers_message()
    {
        var alice = await FuzzAccount.RegisterAsync(system, "alice");
        var bob = await FuzzAccount.RegisterAsync(system, "bob");
        var carol = await FuzzAccount.RegisterAsync(system, "carol");
        var group = await alice.CreateConversationAsync("group", [bob, carol], "admins decide");
        await using var aliceSocket = await alice.ConnectAsync();
        var seq = await SendAsync(aliceSocket, group, "a1", "alice's words");
        var before = (await alice.CallAsync(HttpMethod.Get, $"/api/conversations/{group}/messages?limit=200")).Body;

        var dave = await FuzzAccount.RegisterAsync(system, "dave");
        var add = await bob.CallAsync(HttpMethod.Post, $"/api/conversations/{group}/members", new { userId = dave.UserId });
        var remove = await bob.CallAsync(HttpMethod.Delete, $"/api/conversations/{group}/members/{carol.UserId}");
        var promote = await bob.CallAsync(HttpMethod.Post, $"/api/conversations/{group}/members", new { userId = dave.UserId, role = "admin" });
        foreach (var answer in new[] { add, remove, promote })
            Assert.True(answer.Status == HttpStatusCode.Forbidden && answer.Code == "not_admin", answer.ToString());

        await using var bobSocket = await bob.ConnectAsync();
        foreach (var frame in new object[]
        {
            new { type = "edit", id = "b1", conversationId = group, seq, body = "bob's now" },
            new { type = "delete", id = "b2", conversationId = group, seq },
        })
        {
            var from = bobSocket.Count;
            await bobSocket.SendAsync(FuzzSocket.Utf8(JsonSerializer.Serialize(frame)));
            var error = await bobSocket.WaitForAsync(f => FuzzSocket.Type(f) == "error", from);
            Assert.True(error is { } e && FuzzSocket.Str(e, "code") == "not_author", $"{JsonSerializer.Serialize(frame)} answered {error?.GetRawText() ?? "nothing"}");
        }
        Assert.Equal(before, (await alice.CallAsync(HttpMethod.Get, $"/api/conversations/{group}/messages?limit=200")).Body);
    }

    private static async Task<long> SendAsync(FuzzSocket socket, string conversation, string id, string body)
    {
        var from = socket.Count;
        await socket.SendAsync(FuzzSocket.Utf8(JsonSerializer.Serialize(new { type = "send", id, conversationId = conversation, body })));
        var message = await socket.WaitForAsync(f => FuzzSocket.Type(f) == "message" && FuzzSocket.Str(f, "id") == id, from);
        Assert.NotNull(message);
        return message.Value.GetProperty("seq").GetInt64();
    }
}
