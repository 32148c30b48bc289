using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ChatStreams.EndToEnd.Tests.Support;

namespace ChatStreams.EndToEnd.Tests;

/// <summary>
/// Every error a client can meet, through the gateway: the exact code, the frame's id echoed when it had one, and
/// for socket errors a connection that keeps working afterwards.
/// </summary>
[Collection(ChatSystemCollection.Name)]
public sealed class ErrorCodeTests(ChatSystem system)
{
    private static string? Str(JsonElement frame, string name) => ChatClient.Str(frame, name);

    private static bool IsError(JsonElement frame, string code) => ChatClient.Type(frame) == "error" && Str(frame, "code") == code;

    /// <summary>Sends raw text and returns the first error frame after it.</summary>
    private static async Task<JsonElement> ErrorAfterAsync(ChatClient client, string text, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        var seen = client.Frames.Count;
        await client.SendRawAsync(text, type);
        return await client.WaitForAsync(f => ChatClient.Type(f) == "error", from: seen);
    }

    /// <summary>The socket still serves: a ping gets a pong (retried while the rate limit refills).</summary>
    private static async Task AssertStillOpenAsync(ChatClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var seen = client.Frames.Count;
            await client.SendAsync(new { type = "ping" });
            var answer = await client.WaitForAsync(f => ChatClient.Type(f) == "pong" || IsError(f, "rate_limited"), from: seen);
            if (ChatClient.Type(answer) == "pong") break;
            Assert.True(DateTime.UtcNow < deadline, "pings stayed rate limited");
            await Task.Delay(250);
        }
        Assert.False(client.Closed);
    }

    private async Task<(ChatUser Alice, ChatUser Bob, string Conversation)> DirectAsync()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        return (alice, bob, await alice.CreateConversationAsync("direct", [bob]));
    }

    /// <summary>Sends a message and returns its seq, from the message frame the sender's device gets back.</summary>
    private static async Task<long> SendAsync(ChatClient client, string conversation, string id, string body)
    {
        var seen = client.Frames.Count;
        await client.SendMessageAsync(conversation, id, body);
        var message = await client.WaitForAsync(f => ChatClient.Type(f) == "message" && Str(f, "id") == id, from: seen);
        return message.GetProperty("seq").GetInt64();
    }

    private static void AssertProblem(HttpStatusCode expectedStatus, string code, (HttpStatusCode Status, JsonElement Body) answer)
    {
        Assert.True(expectedStatus == answer.Status, $"expected {(int)expectedStatus}, got {(int)answer.Status}: {answer.Body}");
        Assert.Equal(code, Str(answer.Body, "code"));
        Assert.Equal((int)expectedStatus, answer.Body.GetProperty("status").GetInt32());
        Assert.Equal("https://chatstreams.dev/errors/" + code, Str(answer.Body, "type"));
        Assert.False(string.IsNullOrWhiteSpace(Str(answer.Body, "detail")));
    }

    // ---- bad_frame, too_large, rate_limited: the edge's own answers ----

    [Fact]
    public async Task Invalid_json_is_a_bad_frame()
    {
        await using var client = await (await ChatUser.RegisterAsync(system)).ConnectAsync();
        var error = await ErrorAfterAsync(client, "{\"type\":\"ping\"");
        Assert.Equal("bad_frame", Str(error, "code"));
        Assert.StartsWith("the frame is not valid JSON", Str(error, "message"));
        Assert.Null(Str(error, "id"));
        await AssertStillOpenAsync(client);
    }

    [Fact]
    public async Task An_unknown_frame_type_is_a_bad_frame_with_the_id_echoed()
    {
        await using var client = await (await ChatUser.RegisterAsync(system)).ConnectAsync();
        var error = await ErrorAfterAsync(client, """{"type":"shout","id":"u1"}""");
        Assert.Equal(("bad_frame", "u1"), (Str(error, "code"), Str(error, "id")));
        Assert.Contains("unknown frame type 'shout'", Str(error, "message"));
        await AssertStillOpenAsync(client);
    }

    [Fact]
    public async Task A_missing_field_is_a_bad_frame_naming_it()
    {
        await using var client = await (await ChatUser.RegisterAsync(system)).ConnectAsync();
        var error = await ErrorAfterAsync(client, """{"type":"send","id":"m1","conversationId":"c1"}""");
        Assert.Equal(("bad_frame", "m1", "\"body\" is missing"), (Str(error, "code"), Str(error, "id"), Str(error, "message")));
        var noId = await ErrorAfterAsync(client, """{"type":"send","conversationId":"c1","body":"hi"}""");
        Assert.Equal("bad_frame", Str(noId, "code"));
        Assert.Contains("\"id\"", Str(noId, "message"));
        await AssertStillOpenAsync(client);
    }

    [Fact]
    public async Task A_binary_message_is_a_bad_frame()
    {
        await using var client = await (await ChatUser.RegisterAsync(system)).ConnectAsync();
        var error = await ErrorAfterAsync(client, """{"type":"ping"}""", WebSocketMessageType.Binary);
        Assert.Equal("bad_frame", Str(error, "code"));
        Assert.Contains("binary", Str(error, "message"));
        await AssertStillOpenAsync(client);
    }

    [Fact]
    public async Task A_frame_over_64_KiB_is_too_large()
    {
        await using var client = await (await ChatUser.RegisterAsync(system)).ConnectAsync();
        Assert.Equal(64 * 1024, client.Ready.GetProperty("maxFrameBytes").GetInt32());
        var error = await ErrorAfterAsync(client, $$"""{"type":"send","id":"big","conversationId":"c1","body":"{{new string('x', 70 * 1024)}}"}""");
        Assert.Equal("too_large", Str(error, "code"));
        Assert.Null(Str(error, "id")); // the frame was discarded unread
        await AssertStillOpenAsync(client);
    }

    [Fact]
    public async Task A_burst_of_pings_beyond_the_limit_is_rate_limited()
    {
        await using var client = await (await ChatUser.RegisterAsync(system)).ConnectAsync();
        var seen = client.Frames.Count;
        for (var i = 0; i < 100; i++) await client.SendRawAsync("""{"type":"ping"}""");
        var limited = await client.WaitForAsync(f => IsError(f, "rate_limited"), from: seen);
        Assert.Contains("per connection", Str(limited, "message"));
        // The burst allowance (40) was served before the limit hit.
        Assert.True(client.Frames.Skip(seen).TakeWhile(f => !IsError(f, "rate_limited")).Count(f => ChatClient.Type(f) == "pong") >= 40);
        await AssertStillOpenAsync(client);
    }

    // ---- the sequencer's refusals, as error frames with the command's id ----

    [Fact]
    public async Task Sending_to_a_conversation_of_others_is_not_member_with_the_sends_id()
    {
        var (_, _, conversation) = await DirectAsync();
        var mallory = await ChatUser.RegisterAsync(system);
        await using var client = await mallory.ConnectAsync();
        var seen = client.Frames.Count;
        await client.SendAsync(new { type = "send", id = "nm1", conversationId = conversation, body = "let me in" });
        var error = await client.WaitForAsync(f => ChatClient.Type(f) == "error" && Str(f, "id") == "nm1", from: seen);
        Assert.Equal(("not_member", conversation), (Str(error, "code"), Str(error, "conversationId")));
        Assert.DoesNotContain(client.Frames, f => ChatClient.Type(f) == "message");
        await AssertStillOpenAsync(client);
    }

    [Fact]
    public async Task Typing_in_a_conversation_of_others_is_the_edges_not_member()
    {
        var (_, _, conversation) = await DirectAsync();
        var mallory = await ChatUser.RegisterAsync(system);
        await using var client = await mallory.ConnectAsync();
        var error = await ErrorAfterAsync(client, JsonSerializer.Serialize(new { type = "typing", conversationId = conversation, state = "start" }));
        Assert.Equal(("not_member", conversation, null), (Str(error, "code"), Str(error, "conversationId"), Str(error, "id")));
        await AssertStillOpenAsync(client);
    }

    [Fact]
    public async Task Editing_or_deleting_another_users_message_is_not_author()
    {
        var (alice, bob, conversation) = await DirectAsync();
        await using var aliceClient = await alice.ConnectAsync();
        await using var bobClient = await bob.ConnectAsync();
        var seq = await SendAsync(aliceClient, conversation, "a1", "mine");

        var seen = bobClient.Frames.Count;
        await bobClient.SendAsync(new { type = "edit", id = "e1", conversationId = conversation, seq, body = "yours now" });
        await bobClient.SendAsync(new { type = "delete", id = "d1", conversationId = conversation, seq });
        var edit = await bobClient.WaitForAsync(f => ChatClient.Type(f) == "error" && Str(f, "id") == "e1", from: seen);
        var delete = await bobClient.WaitForAsync(f => ChatClient.Type(f) == "error" && Str(f, "id") == "d1", from: seen);
        Assert.Equal(("not_author", conversation), (Str(edit, "code"), Str(edit, "conversationId")));
        Assert.Equal(("not_author", conversation), (Str(delete, "code"), Str(delete, "conversationId")));
        await AssertStillOpenAsync(bobClient);
    }

    [Fact]
    public async Task Editing_a_seq_that_does_not_exist_is_not_found()
    {
        var (alice, _, conversation) = await DirectAsync();
        await using var client = await alice.ConnectAsync();
        await SendAsync(client, conversation, "a1", "hello");
        var seen = client.Frames.Count;
        await client.SendAsync(new { type = "edit", id = "e9999", conversationId = conversation, seq = 9999, body = "ghost" });
        // Seq 1 is the conversation's creation, not a message: nothing to react to.
        await client.SendAsync(new { type = "react", id = "r1", conversationId = conversation, seq = 1, emoji = "👍" });
        var edit = await client.WaitForAsync(f => ChatClient.Type(f) == "error" && Str(f, "id") == "e9999", from: seen);
        var react = await client.WaitForAsync(f => ChatClient.Type(f) == "error" && Str(f, "id") == "r1", from: seen);
        Assert.Equal("not_found", Str(edit, "code"));
        Assert.Equal("not_found", Str(react, "code"));
        await AssertStillOpenAsync(client);
    }

    [Fact]
    public async Task A_reaction_that_is_not_one_emoji_or_a_blank_edit_is_invalid_command()
    {
        var (alice, _, conversation) = await DirectAsync();
        await using var client = await alice.ConnectAsync();
        var seq = await SendAsync(client, conversation, "a1", "hello");
        var seen = client.Frames.Count;
        await client.SendAsync(new { type = "react", id = "r1", conversationId = conversation, seq, emoji = "ok" });
        await client.SendAsync(new { type = "edit", id = "e1", conversationId = conversation, seq, body = "   " });
        var react = await client.WaitForAsync(f => ChatClient.Type(f) == "error" && Str(f, "id") == "r1", from: seen);
        var edit = await client.WaitForAsync(f => ChatClient.Type(f) == "error" && Str(f, "id") == "e1", from: seen);
        Assert.Equal(("invalid_command", conversation), (Str(react, "code"), Str(react, "conversationId")));
        Assert.Equal(("invalid_command", conversation), (Str(edit, "code"), Str(edit, "conversationId")));
        await AssertStillOpenAsync(client);
    }

    // ---- REST: problem details with the same codes ----

    [Fact]
    public async Task Adding_a_member_as_a_non_admin_is_not_admin()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var carol = await ChatUser.RegisterAsync(system);
        var group = await alice.CreateConversationAsync("group", [bob], "admins only");
        AssertProblem(HttpStatusCode.Forbidden, "not_admin",
            await bob.CallAsync(HttpMethod.Post, $"/api/conversations/{group}/members", new { userId = carol.UserId }));
        AssertProblem(HttpStatusCode.Forbidden, "not_admin",
            await bob.CallAsync(HttpMethod.Delete, $"/api/conversations/{group}/members/{alice.UserId}"));
    }

    [Fact]
    public async Task Adding_a_member_twice_is_already_member()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var group = await alice.CreateConversationAsync("group", [bob], "twice");
        AssertProblem(HttpStatusCode.Conflict, "already_member",
            await alice.CallAsync(HttpMethod.Post, $"/api/conversations/{group}/members", new { userId = bob.UserId }));
    }

    [Fact]
    public async Task A_group_over_the_member_limit_is_group_full()
    {
        var creator = await ChatUser.RegisterAsync(system);
        var others = new List<ChatUser>();
        // Registration hashes a password: a few at a time keeps the two cores responsive.
        foreach (var batch in Enumerable.Range(0, ChatSystem.MaxGroupMembers).Chunk(6))
            others.AddRange(await Task.WhenAll(batch.Select(_ => ChatUser.RegisterAsync(system))));

        var (status, body) = await creator.CallAsync(HttpMethod.Post, "/api/conversations",
            new { kind = "group", title = "too many", members = others.Select(o => o.UserId).ToArray() });
        AssertProblem(HttpStatusCode.Conflict, "group_full", (status, body));
        Assert.Contains($"{ChatSystem.MaxGroupMembers + 1}", Str(body, "detail"));

        // One fewer fits, and then adding one more is group_full as well.
        var group = await creator.CreateConversationAsync("group", others.Skip(1), "just right");
        AssertProblem(HttpStatusCode.Conflict, "group_full",
            await creator.CallAsync(HttpMethod.Post, $"/api/conversations/{group}/members", new { userId = others[0].UserId }));
    }

    [Fact]
    public async Task Creating_a_direct_conversation_again_returns_the_same_one()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var (created, first) = await alice.CallAsync(HttpMethod.Post, "/api/conversations", new { kind = "direct", members = new[] { bob.UserId } });
        Assert.Equal(HttpStatusCode.Created, created);
        var id = Str(first, "conversationId");
        Assert.Equal(1, first.GetProperty("seq").GetInt64());

        var (again, second) = await alice.CallAsync(HttpMethod.Post, "/api/conversations", new { kind = "direct", members = new[] { bob.UserId } });
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(id, Str(second, "conversationId"));
        Assert.True(second.GetProperty("existing").GetBoolean());

        var (fromBob, third) = await bob.CallAsync(HttpMethod.Post, "/api/conversations", new { kind = "direct", members = new[] { alice.UserId } });
        Assert.Equal(HttpStatusCode.OK, fromBob);
        Assert.Equal(id, Str(third, "conversationId"));
    }

    [Fact]
    public async Task A_websocket_upgrade_without_a_token_is_401()
    {
        foreach (var query in new[] { "", "?access_token=not.a.token" })
        {
            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            var url = new Uri(system.GatewayUrl.Replace("http://", "ws://") + "/ws" + query);
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(url, CancellationToken.None));
            Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        }
    }

    [Fact]
    public async Task Rest_without_a_valid_token_is_401_unauthorized()
    {
        foreach (var token in new[] { null, "not.a.token" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, system.GatewayUrl + "/api/conversations");
            if (token is not null) request.Headers.Authorization = new("Bearer", token);
            using var response = await system.Http.SendAsync(request);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            AssertProblem(HttpStatusCode.Unauthorized, "unauthorized", (response.StatusCode, body));
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task The_history_of_a_conversation_of_others_is_not_member()
    {
        var (_, _, conversation) = await DirectAsync();
        var mallory = await ChatUser.RegisterAsync(system);
        AssertProblem(HttpStatusCode.Forbidden, "not_member", await mallory.CallAsync(HttpMethod.Get, $"/api/conversations/{conversation}/messages"));
        AssertProblem(HttpStatusCode.Forbidden, "not_member", await mallory.CallAsync(HttpMethod.Get, $"/api/conversations/{conversation}"));
        AssertProblem(HttpStatusCode.Forbidden, "not_member", await mallory.CallAsync(HttpMethod.Get, "/api/conversations/no-such-conversation/messages"));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("before=0")]
    [InlineData("after=-1")]
    [InlineData("before=5&after=4")]
    public async Task Invalid_history_paging_is_invalid_request(string query)
    {
        var (alice, _, conversation) = await DirectAsync();
        // Either edge may answer; poll until the one that does has the conversation (not_member means not yet).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var answer = await alice.CallAsync(HttpMethod.Get, $"/api/conversations/{conversation}/messages?{query}");
            if (answer.Status != HttpStatusCode.Forbidden || DateTime.UtcNow > deadline)
            {
                AssertProblem(HttpStatusCode.BadRequest, "invalid_request", answer);
                break;
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_malformed_json_body_is_invalid_request()
    {
        var alice = await ChatUser.RegisterAsync(system);
        using var request = alice.Request(HttpMethod.Post, "/api/conversations");
        request.Content = new StringContent("{\"kind\": \"group\", \"members\": [", Encoding.UTF8, "application/json");
        using var response = await system.Http.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        AssertProblem(HttpStatusCode.BadRequest, "invalid_request", (response.StatusCode, body));

        using var wrongShape = alice.Request(HttpMethod.Post, "/api/conversations");
        wrongShape.Content = new StringContent("{\"kind\": \"group\", \"members\": \"everyone\"}", Encoding.UTF8, "application/json");
        using var shapeResponse = await system.Http.SendAsync(wrongShape);
        AssertProblem(HttpStatusCode.BadRequest, "invalid_request",
            (shapeResponse.StatusCode, JsonDocument.Parse(await shapeResponse.Content.ReadAsStringAsync()).RootElement.Clone()));
    }
}
