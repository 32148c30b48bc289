using System.Net;
using System.Text.Json;
using ChatStreams.EndToEnd.Tests.Support;

namespace ChatStreams.EndToEnd.Tests;

/// <summary>
/// Search through the gateway on `chatstreams up`: messages go through the topologies and the search sink into the
/// Lucene index, and an edge answers from it, limited to what the caller may read.
/// </summary>
[Collection(ChatSystemCollection.Name)]
public sealed class SearchTests(ChatSystem system)
{
    private static readonly TimeSpan IndexWait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Members_find_ranked_highlighted_messages_and_nobody_else_does()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var mallory = await ChatUser.RegisterAsync(system);
        var conversation = await alice.CreateConversationAsync("group", [bob], title: "launch");
        var word = "zebra" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await alice.ConnectAsync();
        await device.SendMessageAsync(conversation, "m1", $"the {word} launch is <b>friday</b>");
        await device.SendMessageAsync(conversation, "m2", $"{word} {word} again, twice");
        await device.SendMessageAsync(conversation, "m3", "nothing to see here");
        // Mallory has a conversation of her own with the same word: it must never show up for alice or bob.
        var other = await mallory.CreateConversationAsync("direct", [alice]);
        await using var malloryDevice = await mallory.ConnectAsync();
        await malloryDevice.SendMessageAsync(other, "x1", $"{word} from mallory");

        var found = await SearchUntilAsync(bob, $"/api/search?q={word}", hits => hits.GetArrayLength() == 2);
        var hits = found.GetProperty("hits").EnumerateArray().ToList();
        Assert.All(hits, h => Assert.Equal(conversation, ChatClient.Str(h, "conversationId")));
        Assert.Equal(3, hits[0].GetProperty("seq").GetInt64()); // the message with the word twice ranks first
        Assert.Equal(2, hits[1].GetProperty("seq").GetInt64());
        Assert.Contains($"<mark>{word}</mark>", ChatClient.Str(hits[1], "highlight"));
        Assert.Contains("&lt;b&gt;friday&lt;/b&gt;", ChatClient.Str(hits[1], "highlight")); // user text is escaped
        Assert.Equal(2, found.GetProperty("totalHits").GetInt64());

        // Alice is in both conversations; restricted to one, she sees only its hits.
        var mine = await SearchUntilAsync(alice, $"/api/search?q={word}&conversationId={other}", h => h.GetArrayLength() == 1);
        Assert.Equal(other, ChatClient.Str(mine.GetProperty("hits")[0], "conversationId"));

        // Mallory searching for the word finds her own message only; asking for alice's conversation finds nothing.
        var hers = await SearchUntilAsync(mallory, $"/api/search?q={word}", h => h.GetArrayLength() == 1);
        Assert.Equal(other, ChatClient.Str(hers.GetProperty("hits")[0], "conversationId"));
        var (status, none) = await mallory.CallAsync(HttpMethod.Get, $"/api/search?q={word}&conversationId={conversation}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, none.GetProperty("hits").GetArrayLength());
    }

    [Fact]
    public async Task Edited_and_deleted_messages_are_found_as_they_read_now()
    {
        var alice = await ChatUser.RegisterAsync(system);
        var bob = await ChatUser.RegisterAsync(system);
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        var before = "walrus" + Guid.NewGuid().ToString("N")[..8];
        var after = "narwhal" + Guid.NewGuid().ToString("N")[..8];
        await using var device = await alice.ConnectAsync();
        await device.SendMessageAsync(conversation, "s1", $"meet the {before}");
        await device.SendMessageAsync(conversation, "s2", $"and the other {before}");
        await SearchUntilAsync(bob, $"/api/search?q={before}", h => h.GetArrayLength() == 2);

        await device.SendAndWaitAsync(new { type = "edit", id = "e", conversationId = conversation, seq = 2, body = $"meet the {after}" },
            f => ChatClient.Type(f) == "edited");
        await device.SendAndWaitAsync(new { type = "delete", id = "d", conversationId = conversation, seq = 3 }, f => ChatClient.Type(f) == "deleted");

        var renamed = await SearchUntilAsync(bob, $"/api/search?q={after}", h => h.GetArrayLength() == 1);
        Assert.True(renamed.GetProperty("hits")[0].GetProperty("edited").GetBoolean());
        await SearchUntilAsync(bob, $"/api/search?q={before}", h => h.GetArrayLength() == 0);
    }

    [Fact]
    public async Task A_search_without_words_or_with_a_bad_limit_is_refused_with_a_code()
    {
        var alice = await ChatUser.RegisterAsync(system);
        foreach (var query in new[] { "/api/search", "/api/search?q=%20", "/api/search?q=x&limit=0", "/api/search?q=x&limit=101", "/api/search?q=x&offset=-1" })
        {
            var (status, problem) = await alice.CallAsync(HttpMethod.Get, query);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("invalid_request", ChatClient.Str(problem, "code"));
        }
        // Operators and quotes are plain words, not a query language: no error.
        var (ok, _) = await alice.CallAsync(HttpMethod.Get, "/api/search?q=%22AND%20(%20*%5C");
        Assert.Equal(HttpStatusCode.OK, ok);
    }

    /// <summary>The search sink lands messages a moment after they are sent: asks again until the hits satisfy the test.</summary>
    private static async Task<JsonElement> SearchUntilAsync(ChatUser user, string path, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + IndexWait;
        while (true)
        {
            var (status, body) = await user.CallAsync(HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.OK, status);
            if (done(body.GetProperty("hits"))) return body;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{path} answered {body.GetRawText()} after {IndexWait.TotalSeconds} s");
            await Task.Delay(100);
        }
    }
}
