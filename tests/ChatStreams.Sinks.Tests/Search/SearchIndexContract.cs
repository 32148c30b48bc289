using System.Net;
using ChatStreams.Sinks.Search;
using ChatStreams.Sinks.Tests.Support;
using ChatStreams.TestSupport;
using chatstreams.v1;

namespace ChatStreams.Sinks.Tests.Search;

/// <summary>
/// What every search index does (Lucene, and Elasticsearch when a server is there): plain-word matching across case
/// and accents, ranking, safe highlights, edits and deletions, idempotent replays, and scopes enforced by the query.
/// </summary>
public abstract class SearchIndexContract
{
    /// <summary>A new, empty, initialized index.</summary>
    protected abstract Task<ISearchIndex> CreateIndexAsync();

    private static SearchRequest Ask(string query, params SearchScope[] scopes) => new(query, scopes) { Limit = 100 };

    private static SearchScope All(string conversationId) => SearchScope.Member(conversationId, 1);

    private static async Task<List<SearchHit>> FindAsync(ISearchIndex index, string query, params SearchScope[] scopes) =>
        [.. (await index.SearchAsync(Ask(query, scopes), default)).Hits];

    private static async Task<List<long>> SeqsAsync(ISearchIndex index, string query, params SearchScope[] scopes) =>
        [.. (await FindAsync(index, query, scopes)).Select(h => h.Seq).Order()];

    [ContractFact]
    public async Task Every_word_of_the_query_must_occur_in_any_order()
    {
        var index = await CreateIndexAsync();
        var c = new ChatEvents("c1");
        await index.ApplyAsync([c.Created("alice", ["alice", "bob"]), c.Sent("alice", "the quarterly report is ready"),
            c.Sent("bob", "report the bug please"), c.Sent("bob", "ready when you are")], default);

        Assert.Equal([2, 3], await SeqsAsync(index, "report", All("c1")));
        Assert.Equal([2], await SeqsAsync(index, "ready report", All("c1")));
        Assert.Empty(await SeqsAsync(index, "report missing", All("c1")));
        var hit = Assert.Single(await FindAsync(index, "quarterly", All("c1")));
        Assert.Equal(("c1", 2L, "m-2", "alice", ChatEvents.Start.AddSeconds(2), "the quarterly report is ready", false),
            (hit.ConversationId, hit.Seq, hit.MessageId, hit.SenderId, hit.SentAt, hit.Text, hit.Edited));
        Assert.True(hit.Score > 0);
    }

    [ContractFact]
    public async Task Encrypted_messages_are_left_out_of_the_index()
    {
        var index = await CreateIndexAsync();
        var c = new ChatEvents("e2e-c1");
        // The ciphertext's bytes happen to spell a word: the index must not treat them as text either.
        await index.ApplyAsync([c.Created("alice", ["alice", "bob"]), c.SentEncrypted("alice", "secretword"u8.ToArray()),
            c.Sent("bob", "plain secretword")], default);

        Assert.Equal([3], await SeqsAsync(index, "secretword", All("e2e-c1")));
    }

    [ContractFact]
    public async Task Case_and_accents_do_not_matter()
    {
        var index = await CreateIndexAsync();
        var c = new ChatEvents("c1");
        await index.ApplyAsync([c.Created("alice", ["alice"]), c.Sent("alice", "Un Café CRÈME à Zürich?"), c.Sent("alice", "cafe au lait")], default);

        Assert.Equal([2], await SeqsAsync(index, "cafe creme", All("c1")));
        Assert.Equal([2, 3], await SeqsAsync(index, "CAFÉ", All("c1")));
        Assert.Equal([2], await SeqsAsync(index, "zurich", All("c1")));
        var hit = Assert.Single(await FindAsync(index, "creme", All("c1")));
        Assert.Contains("<mark>CRÈME</mark>", WebUtility.HtmlDecode(hit.Highlight), StringComparison.Ordinal);
    }

    [ContractFact]
    public async Task Attachment_file_names_are_searchable()
    {
        var index = await CreateIndexAsync();
        var c = new ChatEvents("c1");
        await index.ApplyAsync([c.Created("alice", ["alice"]), c.SentWithFiles("alice", "see attached", "Budget-2026.xlsx", "floor plan.pdf"),
            c.Sent("alice", "no files here")], default);

        var hit = Assert.Single(await FindAsync(index, "budget", All("c1")));
        Assert.Equal(["Budget-2026.xlsx", "floor plan.pdf"], hit.FileNames);
        Assert.Contains("<mark>", hit.Highlight, StringComparison.Ordinal);
        Assert.Equal([2], await SeqsAsync(index, "attached plan", All("c1")));         // "plan.pdf" has the word "plan"
        Assert.Equal([2], await SeqsAsync(index, "floor plan.pdf", All("c1")));
        Assert.Equal([2], await SeqsAsync(index, "xlsx", All("c1")));
        Assert.Empty(await FindAsync(index, "plan.doc", All("c1")));
        Assert.Contains("<mark>plan</mark>", Assert.Single(await FindAsync(index, "plan", All("c1"))).Highlight, StringComparison.Ordinal);
    }

    [ContractFact]
    public async Task A_message_with_the_word_twice_ranks_above_one_with_it_once()
    {
        var index = await CreateIndexAsync();
        var c = new ChatEvents("c1");
        await index.ApplyAsync([c.Created("alice", ["alice"]), c.Sent("alice", "deadline moved today"), c.Sent("alice", "deadline deadline today"),
            c.Sent("alice", "nothing relevant")], default);

        var hits = await FindAsync(index, "deadline", All("c1"));
        Assert.Equal([3, 2], hits.Select(h => h.Seq));
        Assert.True(hits[0].Score > hits[1].Score);
    }

    [ContractFact]
    public async Task The_highlight_marks_the_matches_and_escapes_everything_else()
    {
        var index = await CreateIndexAsync();
        var c = new ChatEvents("c1");
        const string text = "<script>alert(\"x\")</script> meet at Noon & bring 'cake'";
        await index.ApplyAsync([c.Created("alice", ["alice"]), c.Sent("alice", text)], default);

        var hit = Assert.Single(await FindAsync(index, "noon cake", All("c1")));
        Assert.Contains("<mark>Noon</mark>", hit.Highlight, StringComparison.Ordinal);
        Assert.Contains("<mark>cake</mark>", hit.Highlight, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", hit.Highlight, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", hit.Highlight, StringComparison.Ordinal);
        Assert.Equal(4, hit.Highlight.Split('<').Length - 1); // only the two marks' tags are markup
        Assert.Equal(text, WebUtility.HtmlDecode(hit.Highlight.Replace("<mark>", "").Replace("</mark>", "")));
        Assert.Equal(text, hit.Text);
    }

    [ContractFact]
    public async Task An_edit_replaces_the_text_and_keeps_sender_and_time()
    {
        var index = await CreateIndexAsync();
        var c = new ChatEvents("c1");
        await index.ApplyAsync([c.Created("alice", ["alice", "bob"]), c.Sent("bob", "lunch at noon")], default);
        await index.ApplyAsync([c.Edited("bob", 2, "dinner at eight")], default); // a later batch: the message comes from the index

        Assert.Empty(await FindAsync(index, "lunch", All("c1")));
        var hit = Assert.Single(await FindAsync(index, "dinner", All("c1")));
        Assert.Equal((2L, "bob", ChatEvents.Start.AddSeconds(2), "dinner at eight", true), (hit.Seq, hit.SenderId, hit.SentAt, hit.Text, hit.Edited));
    }

    [ContractFact]
    public async Task A_deleted_message_is_never_found_again_not_by_its_edited_text_either()
    {
        var index = await CreateIndexAsync();
        var c = new ChatEvents("c1");
        // Within one batch, and across batches.
        await index.ApplyAsync([c.Created("alice", ["alice"]), c.Sent("alice", "alpha secret"), c.Edited("alice", 2, "bravo secret"), c.Deleted("alice", 2)], default);
        await index.ApplyAsync([c.Sent("alice", "charlie secret")], default);
        await index.ApplyAsync([c.Edited("alice", 5, "delta secret")], default);
        await index.ApplyAsync([c.Deleted("alice", 5), c.Edited("alice", 5, "echo secret")], default);

        foreach (var word in new[] { "alpha", "bravo", "charlie", "delta", "echo", "secret" })
            Assert.Empty(await FindAsync(index, word, All("c1")));
    }

    [ContractFact]
    public async Task Replaying_a_batch_or_any_suffix_of_it_changes_nothing()
    {
        var index = await CreateIndexAsync();
        var story = ChatEvents.Story();
        await index.ApplyAsync(story, default);
        var before = await SnapshotAsync(index);

        await index.ApplyAsync(story, default);
        for (var start = 1; start < story.Count; start += 3)
            await index.ApplyAsync(story[start..], default);
        await index.ApplyAsync([story[1]], default); // the original text of the message edited at seq 8

        Assert.Equal(before, await SnapshotAsync(index));
    }

    [ContractFact]
    public async Task The_order_of_events_within_a_batch_and_how_batches_are_split_do_not_matter()
    {
        var whole = await CreateIndexAsync();
        await whole.ApplyAsync(ChatEvents.Story(), default);
        var shuffled = await CreateIndexAsync();
        await shuffled.ApplyAsync(ChatEvents.Story().OrderBy(e => e.EventId, StringComparer.Ordinal).Reverse().ToList(), default);
        var pieces = await CreateIndexAsync();
        foreach (var chunk in ChatEvents.Story().Chunk(2)) await pieces.ApplyAsync(chunk, default);

        var expected = await SnapshotAsync(whole);
        Assert.Equal(expected, await SnapshotAsync(shuffled));
        Assert.Equal(expected, await SnapshotAsync(pieces));
        Assert.Equal(["2 hello bob", "3 hi alice! (edited)", "12 bob is gone"], expected);
    }

    [ContractFact]
    public async Task An_old_message_replayed_after_its_deletion_or_edit_does_not_come_back()
    {
        var index = await CreateIndexAsync();
        var c = new ChatEvents("c1");
        var created = c.Created("alice", ["alice"]);
        var deleted = c.Sent("alice", "forget this password");
        var edited = c.Sent("alice", "typo in thsi message");
        await index.ApplyAsync([created, deleted, edited], default);
        await index.ApplyAsync([c.Deleted("alice", 2), c.Edited("alice", 3, "typo fixed in this message")], default);

        await index.ApplyAsync([deleted, edited], default);
        await index.ApplyAsync([created, deleted], default);

        Assert.Empty(await FindAsync(index, "password", All("c1")));
        Assert.Empty(await FindAsync(index, "thsi", All("c1")));
        Assert.Equal("typo fixed in this message", Assert.Single(await FindAsync(index, "typo", All("c1"))).Text);
    }

    [ContractFact]
    public async Task A_user_only_finds_messages_inside_their_scopes()
    {
        var index = await CreateIndexAsync();
        var c = new ChatEvents("c1");
        var events = new List<ChatEvent> { c.Created("alice", ["alice"]) };
        while (c.Seq < 60) events.Add(c.Sent("alice", $"zebra number {c.Seq + 1}"));
        var other = new ChatEvents("c2");
        events.AddRange([other.Created("bob", ["bob"]), other.Sent("bob", "zebra elsewhere")]);
        await index.ApplyAsync(events, default);

        var everyone = Enumerable.Range(2, 59).Select(i => (long)i).ToList();
        Assert.Equal(everyone, await SeqsAsync(index, "zebra", All("c1")));
        Assert.Equal([2], await SeqsAsync(index, "zebra", All("c2")));
        Assert.Empty(await FindAsync(index, "zebra", All("c3")));                                 // never a member anywhere
        Assert.Equal(everyone.Where(s => s >= 50), await SeqsAsync(index, "zebra", SearchScope.Member("c1", 50))); // joined at 50
        Assert.Empty(await FindAsync(index, "number 10", SearchScope.Member("c1", 50)));
        Assert.Equal(everyone.Where(s => s <= 30), await SeqsAsync(index, "zebra", new SearchScope("c1", 1, 30))); // left at 30
        Assert.Equal(everyone.Where(s => s is >= 5 and <= 9 or >= 40 and <= 42),                 // left and came back
            await SeqsAsync(index, "zebra", new SearchScope("c1", 5, 9), new SearchScope("c1", 40, 42)));
        Assert.Empty(await FindAsync(index, "zebra"));                                            // no scopes: nothing
        Assert.All(await FindAsync(index, "zebra", All("c1"), All("c2")), h => Assert.Contains(h.ConversationId, new[] { "c1", "c2" }));
    }

    [ContractFact]
    public async Task A_user_in_thousands_of_conversations_searches_them_all_in_one_query()
    {
        var index = await CreateIndexAsync();
        var c = new ChatEvents("c-2999");
        await index.ApplyAsync([c.Created("alice", ["alice"]), c.Sent("alice", "needle in the haystack"), c.Sent("alice", "needle again")], default);

        // Whole conversations and partial ranges, beyond what one boolean query holds by default (1024 clauses).
        var scopes = Enumerable.Range(0, 3000).Select(i => i % 2 == 0 ? All($"c-{i}") : new SearchScope($"c-{i}", 3, 500)).ToArray();
        Assert.Equal([3], await SeqsAsync(index, "needle", scopes));
        var tooMany = Enumerable.Range(0, SearchRequestRules.MaxScopes + 1).Select(i => All($"c-{i}")).ToArray();
        var refused = await Assert.ThrowsAsync<InvalidSearchRequestException>(() => index.SearchAsync(Ask("needle", tooMany), default));
        Assert.Contains("restrict the search to a conversation", refused.Message, StringComparison.Ordinal);
    }

    [ContractFact]
    public async Task A_search_can_be_restricted_to_one_conversation_within_the_scopes()
    {
        var index = await CreateIndexAsync();
        var a = new ChatEvents("a");
        var b = new ChatEvents("b");
        await index.ApplyAsync([a.Created("alice", ["alice"]), a.Sent("alice", "shared word"), b.Created("alice", ["alice"]), b.Sent("alice", "shared word")], default);

        var scopes = new[] { All("a"), All("b") };
        Assert.Equal(2, (await FindAsync(index, "shared", scopes)).Count);
        var only = await index.SearchAsync(new SearchRequest("shared", scopes) { ConversationId = "b" }, default);
        Assert.Equal("b", Assert.Single(only.Hits).ConversationId);
        // Restricting to a conversation outside the scopes finds nothing rather than widening them.
        Assert.Empty((await index.SearchAsync(new SearchRequest("shared", [All("a")]) { ConversationId = "b" }, default)).Hits);
    }

    [ContractFact]
    public async Task Pages_follow_the_limit_and_offset_without_overlap_and_the_limit_is_capped()
    {
        var index = await CreateIndexAsync();
        var c = new ChatEvents("c1");
        var events = new List<ChatEvent> { c.Created("alice", ["alice"]) };
        while (c.Seq < 121) events.Add(c.Sent("alice", $"page item {c.Seq + 1}"));
        await index.ApplyAsync(events, default);

        var seen = new List<long>();
        int? offset = 0;
        var pages = 0;
        while (offset is { } next)
        {
            var page = await index.SearchAsync(new SearchRequest("item", [All("c1")]) { Limit = 25, Offset = next }, default);
            Assert.Equal(120, page.TotalHits);
            Assert.Equal(pages < 4 ? 25 : 20, page.Hits.Count);
            seen.AddRange(page.Hits.Select(h => h.Seq));
            offset = page.NextOffset;
            pages++;
        }
        Assert.Equal(5, pages);
        Assert.Equal(Enumerable.Range(2, 120).Select(i => (long)i), seen.Order());

        var capped = await index.SearchAsync(new SearchRequest("item", [All("c1")]) { Limit = 1000 }, default);
        Assert.Equal(SearchRequestRules.MaxLimit, capped.Hits.Count);
        Assert.Equal(SearchRequestRules.MaxLimit, capped.NextOffset);
    }

    [ContractFact]
    public async Task Query_text_is_plain_words_and_nothing_typed_breaks_the_search()
    {
        var index = await CreateIndexAsync();
        var c = new ChatEvents("c1");
        await index.ApplyAsync([c.Created("alice", ["alice"]), c.Sent("alice", "rock AND roll (live) \"quoted\" C:\\path\\file title:x")], default);

        // Operators and syntax are just characters: the words in them are searched like any other.
        Assert.Equal([2], await SeqsAsync(index, "AND (", All("c1")));
        Assert.Equal([2], await SeqsAsync(index, "\"quoted", All("c1")));
        Assert.Equal([2], await SeqsAsync(index, "title:x", All("c1")));
        Assert.Equal([2], await SeqsAsync(index, "roll)", All("c1")));
        foreach (var hostile in new[] { "\"", "*", "\\", "?", "-", "+", "(", ")", "[1 TO 5]", "{", "~", "^2", "&&", "||", "!", "/", "🎉", "NOT", "ro*", "r?ck" })
        {
            var result = await index.SearchAsync(Ask(hostile, All("c1")), default);
            Assert.All(result.Hits, h => Assert.Equal(2, h.Seq));
        }
        Assert.Empty(await FindAsync(index, "ro*", All("c1"))); // no wildcards: "ro" is not a word of the message

        var empty = await Assert.ThrowsAsync<InvalidSearchRequestException>(() => index.SearchAsync(Ask("   ", All("c1")), default));
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);
        var huge = await Assert.ThrowsAsync<InvalidSearchRequestException>(() => index.SearchAsync(Ask(new string('a', 10_000), All("c1")), default));
        Assert.Contains($"at most {SearchRequestRules.MaxQueryLength}", huge.Message, StringComparison.Ordinal);
        var longest = string.Join(' ', Enumerable.Repeat("roll", SearchRequestRules.MaxQueryLength / 5));
        Assert.Equal([2], await SeqsAsync(index, longest, All("c1")));
        await Assert.ThrowsAsync<InvalidSearchRequestException>(() => index.SearchAsync(new SearchRequest("roll", [All("c1")]) { Limit = 0 }, default));
        await Assert.ThrowsAsync<InvalidSearchRequestException>(() => index.SearchAsync(new SearchRequest("roll", [All("c1")]) { Offset = -1 }, default));
        await Assert.ThrowsAsync<InvalidSearchRequestException>(() => index.SearchAsync(new SearchRequest("roll", [All("c1")]) { Offset = 5000 }, default));
        await Assert.ThrowsAsync<InvalidSearchRequestException>(() => index.SearchAsync(Ask("roll", new SearchScope("c1", 10, 5)), default));
    }

    [ContractFact]
    public async Task Events_other_than_messages_are_applied_without_effect()
    {
        var index = await CreateIndexAsync();
        var c = new ChatEvents("c1");
        await index.ApplyAsync([c.Created("alice", ["alice", "bob"]), c.Rejected("bob"), c.Added("alice", "carol"), c.Sent("carol", "welcome carol"),
            c.Reacted("bob", 3, "👍"), c.Removed("alice", "bob"), c.Edited("alice", 2, "not a message")], default);

        Assert.Equal([3], await SeqsAsync(index, "carol", All("c1")));
        Assert.Empty(await FindAsync(index, "message", All("c1")));
    }

    /// <summary>What the story's words find: "seq text" per hit, in seq order.</summary>
    private static async Task<List<string>> SnapshotAsync(ISearchIndex index)
    {
        var hits = new Dictionary<long, string>();
        foreach (var word in new[] { "hello", "hi", "alice", "bob", "secret", "plan", "gone" })
            foreach (var hit in await FindAsync(index, word, All("c1")))
                hits[hit.Seq] = $"{hit.Seq} {hit.Text}{(hit.Edited ? " (edited)" : "")}";
        return [.. hits.OrderBy(h => h.Key).Select(h => h.Value)];
    }
}
