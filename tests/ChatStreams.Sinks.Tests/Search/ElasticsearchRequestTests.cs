using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatStreams.Sinks.Search;
using ChatStreams.Sinks.Search.Elasticsearch;
using ChatStreams.Sinks.Tests.Support;

namespace ChatStreams.Sinks.Tests.Search;

/// <summary>
/// The Elasticsearch adapter without a server: the requests it sends (paths, NDJSON bulk lines, query JSON, auth) and
/// how it reads answers, failed bulk items in particular, against a scripted HTTP handler.
/// </summary>
public sealed class ElasticsearchRequestTests
{
    private static readonly SearchIndexOptions Options = new()
    {
        Store = SearchIndexOptions.ElasticsearchStore, ElasticUrl = "http://es.test:9200", IndexName = "msgs",
    };

    private static (ElasticsearchSearchIndex Index, RecordingHandler Handler) Open(
        Func<RecordingHandler.Request, (HttpStatusCode, string)> answer, SearchIndexOptions? options = null)
    {
        var handler = new RecordingHandler(answer);
        return (new ElasticsearchSearchIndex(options ?? Options, new HttpClient(handler)), handler);
    }

    private static JsonNode Json(string text) => JsonNode.Parse(text)!;

    private static List<JsonNode> Lines(string ndjson)
    {
        Assert.EndsWith("\n", ndjson, StringComparison.Ordinal);
        return [.. ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Json)];
    }

    private const string NothingFound = """{"docs":[]}""";
    private const string BulkOk = """{"took":3,"errors":false,"items":[]}""";

    [Fact]
    public async Task Initialize_creates_both_indexes_with_the_chat_analyzer_and_accepts_existing_ones()
    {
        var (index, handler) = Open(r => r.PathAndQuery == "/msgs-applied"
            ? (HttpStatusCode.BadRequest, """{"error":{"type":"resource_already_exists_exception","reason":"index [msgs-applied/x] already exists"},"status":400}""")
            : (HttpStatusCode.OK, """{"acknowledged":true}"""));
        await index.InitializeAsync(default);

        Assert.Equal(["PUT /msgs", "PUT /msgs-applied"], handler.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        var messages = Json(handler.Requests[0].Body);
        var analyzer = messages["settings"]!["analysis"]!["analyzer"]!["chat_text"]!;
        Assert.Equal("standard", (string)analyzer["tokenizer"]!);
        Assert.Equal(["lowercase", "asciifolding"], analyzer["filter"]!.AsArray().Select(f => (string)f!));
        var properties = messages["mappings"]!["properties"]!;
        Assert.Equal("strict", (string)messages["mappings"]!["dynamic"]!);
        var fileNames = messages["settings"]!["analysis"]!["analyzer"]!["chat_file_name"]!;
        Assert.Equal(["file_name_separators"], fileNames["char_filter"]!.AsArray().Select(f => (string)f!));
        Assert.Equal([". => -", "_ => -"], messages["settings"]!["analysis"]!["char_filter"]!["file_name_separators"]!["mappings"]!.AsArray().Select(m => (string)m!));
        Assert.Equal(("keyword", "long", "date", "chat_text", "chat_file_name"), ((string)properties["conversationId"]!["type"]!, (string)properties["seq"]!["type"]!,
            (string)properties["sentAt"]!["type"]!, (string)properties["text"]!["analyzer"]!, (string)properties["fileNames"]!["analyzer"]!));
        Assert.Equal("application/json", handler.Requests[0].ContentType);
    }

    [Fact]
    public async Task Initialize_reports_what_elasticsearch_refused()
    {
        var (index, _) = Open(_ => (HttpStatusCode.Forbidden,
            """{"error":{"type":"security_exception","reason":"action [indices:admin/create] is unauthorized for user [chat]"},"status":403}"""));
        var error = await Assert.ThrowsAsync<ElasticsearchException>(() => index.InitializeAsync(default));
        Assert.Contains("security_exception: action [indices:admin/create] is unauthorized", error.Message, StringComparison.Ordinal);
        Assert.Contains("Search__ElasticUrl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_is_one_bulk_of_final_message_states_then_one_bulk_of_watermarks()
    {
        var (index, handler) = Open(r => r.PathAndQuery switch
        {
            "/msgs-applied/_mget" => (HttpStatusCode.OK, """{"docs":[{"_index":"msgs-applied","_id":"c1","_version":2,"found":true,"_source":{"appliedSeq":2}}]}"""),
            "/msgs/_mget" => (HttpStatusCode.OK, """{"docs":[{"_index":"msgs","_id":"c1/2","found":true,"_source":{"conversationId":"c1","seq":2,"messageId":"m-2","senderId":"bob","sentAt":"2025-01-01T12:00:02.000Z","text":"old","fileNames":["a.txt"],"edited":false}}]}"""),
            _ => (HttpStatusCode.OK, BulkOk),
        });
        var c = new ChatEvents("c1");
        var events = new[]
        {
            c.Created("alice", ["alice", "bob"]), c.Sent("bob", "already indexed"),          // 1, 2: at or below the watermark
            c.SentWithFiles("alice", "<b>new</b> one", "plan.pdf"), c.Edited("bob", 2, "new text of 2"), // 3, 4
            c.Sent("alice", "short lived"), c.Deleted("alice", 5),                           // 5, 6
        };
        await index.ApplyAsync(events, default);

        Assert.Equal(["POST /msgs-applied/_mget", "POST /msgs/_mget", "POST /_bulk?refresh=wait_for", "POST /_bulk"],
            handler.Requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.Equal(["c1"], Json(handler.Requests[0].Body)["ids"]!.AsArray().Select(i => (string)i!));
        Assert.Equal(["c1/2"], Json(handler.Requests[1].Body)["ids"]!.AsArray().Select(i => (string)i!));

        var bulk = handler.Requests[2];
        Assert.Equal("application/x-ndjson", bulk.ContentType);
        var lines = Lines(bulk.Body);
        Assert.Equal(5, lines.Count);
        var actions = lines.Where(l => l["index"] is not null || l["delete"] is not null)
            .Select(l => l["index"] is { } i ? $"index {(string)i["_index"]!} {(string)i["_id"]!}" : $"delete {(string)l["delete"]!["_index"]!} {(string)l["delete"]!["_id"]!}");
        Assert.Equal(["delete msgs c1/5", "index msgs c1/2", "index msgs c1/3"], actions.Order(StringComparer.Ordinal));
        var sent = lines[lines.FindIndex(l => (string?)l["index"]?["_id"] == "c1/3") + 1];
        Assert.Equal(("c1", 3L, "m-3", "alice", "2025-01-01T12:00:03.000Z", "<b>new</b> one", "plan.pdf", false),
            ((string)sent["conversationId"]!, (long)sent["seq"]!, (string)sent["messageId"]!, (string)sent["senderId"]!, (string)sent["sentAt"]!,
             (string)sent["text"]!, (string)sent["fileNames"]![0]!, (bool)sent["edited"]!));
        var edited = lines[lines.FindIndex(l => (string?)l["index"]?["_id"] == "c1/2") + 1];
        Assert.Equal(("bob", "2025-01-01T12:00:02.000Z", "new text of 2", true, "a.txt"),
            ((string)edited["senderId"]!, (string)edited["sentAt"]!, (string)edited["text"]!, (bool)edited["edited"]!, (string)edited["fileNames"]![0]!));

        var watermarks = Lines(handler.Requests[3].Body);
        Assert.Equal(2, watermarks.Count);
        Assert.Equal(("msgs-applied", "c1", 6L, "external_gte"), ((string)watermarks[0]["index"]!["_index"]!, (string)watermarks[0]["index"]!["_id"]!,
            (long)watermarks[0]["index"]!["version"]!, (string)watermarks[0]["index"]!["version_type"]!));
        Assert.Equal(6L, (long)watermarks[1]["appliedSeq"]!);
    }

    [Fact]
    public async Task A_bulk_with_a_failed_item_throws_and_leaves_the_watermark_where_it_was()
    {
        var (index, handler) = Open(r => r.PathAndQuery switch
        {
            "/msgs-applied/_mget" => (HttpStatusCode.OK, NothingFound),
            "/_bulk?refresh=wait_for" => (HttpStatusCode.OK, """
                {"took":5,"errors":true,"items":[
                  {"index":{"_index":"msgs","_id":"c1/2","status":201,"result":"created"}},
                  {"delete":{"_index":"msgs","_id":"c1/3","status":404,"result":"not_found"}},
                  {"index":{"_index":"msgs","_id":"c1/4","status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation","caused_by":{"type":"illegal_state_exception","reason":"queue full"}}}}]}
                """),
            _ => (HttpStatusCode.OK, BulkOk),
        });
        var c = new ChatEvents("c1");
        var error = await Assert.ThrowsAsync<ElasticsearchException>(() =>
            index.ApplyAsync([c.Sent("alice", "one"), c.Deleted("alice", 1), c.Sent("alice", "three"), c.Sent("alice", "four")], default));

        Assert.Contains("1 item(s)", error.Message, StringComparison.Ordinal); // the 404 of a delete is no failure
        Assert.Contains("index c1/4: 429 es_rejected_execution_exception: rejected execution of coordinating operation (caused by illegal_state_exception: queue full)",
            error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(handler.Requests, r => r.PathAndQuery == "/_bulk"); // no watermark moved past the failed batch
    }

    [Fact]
    public async Task A_watermark_already_further_is_accepted_but_other_watermark_errors_fail_the_write()
    {
        var conflict = """{"took":1,"errors":true,"items":[{"index":{"_index":"msgs-applied","_id":"c1","status":409,"error":{"type":"version_conflict_engine_exception","reason":"[c1]: version conflict, current version [9] is higher"}}}]}""";
        var broken = """{"took":1,"errors":true,"items":[{"index":{"_index":"msgs-applied","_id":"c1","status":400,"error":{"type":"strict_dynamic_mapping_exception","reason":"mapping set to strict"}}}]}""";
        var answer = conflict;
        var (index, _) = Open(r => r.PathAndQuery switch
        {
            "/msgs-applied/_mget" => (HttpStatusCode.OK, NothingFound),
            "/_bulk" => (HttpStatusCode.OK, answer),
            _ => (HttpStatusCode.OK, BulkOk),
        });
        var c = new ChatEvents("c1");
        await index.ApplyAsync([c.Sent("alice", "one")], default);

        answer = broken;
        var error = await Assert.ThrowsAsync<ElasticsearchException>(() => index.ApplyAsync([c.Sent("alice", "two")], default));
        Assert.Contains("strict_dynamic_mapping_exception", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_search_filters_by_the_scopes_inside_the_query_and_reads_hits_and_highlights()
    {
        var (index, handler) = Open(_ => (HttpStatusCode.OK, """
            {"took":2,"timed_out":false,"hits":{"total":{"value":42,"relation":"eq"},"max_score":2.5,"hits":[
              {"_index":"msgs","_id":"c1/7","_score":2.5,"_source":{"conversationId":"c1","seq":7,"messageId":"m-7","senderId":"bob","sentAt":"2025-01-01T12:00:07.000Z","text":"<i>lunch</i> at noon","fileNames":[],"edited":true},
               "highlight":{"text":["&lt;i&gt;<mark>lunch</mark>&lt;&#x2F;i&gt; at noon"]}},
              {"_index":"msgs","_id":"c2/3","_score":1.25,"_source":{"conversationId":"c2","seq":3,"messageId":"m-3","senderId":"carol","sentAt":"2025-01-01T12:00:03.000Z","text":"see <file>","fileNames":["lunch-menu.pdf"],"edited":false},
               "highlight":{"fileNames":["<mark>lunch</mark>-menu.pdf"]}},
              {"_index":"msgs","_id":"c2/4","_score":1.0,"_source":{"conversationId":"c2","seq":4,"messageId":"m-4","senderId":"carol","sentAt":"2025-01-01T12:00:04.000Z","text":"a & b","edited":false}}]}}
            """));
        var request = new SearchRequest("Lunch \"AND (", [SearchScope.Member("c1", 1), new SearchScope("c2", 5, 30), SearchScope.Member("c3", 50)])
        {
            Limit = 3, Offset = 6,
        };
        var result = await index.SearchAsync(request, default);

        var sent = Assert.Single(handler.Requests);
        Assert.Equal("POST /msgs/_search", $"{sent.Method} {sent.PathAndQuery}");
        var body = Json(sent.Body);
        Assert.Equal((6, 3), ((int)body["from"]!, (int)body["size"]!));
        // The query text as words (split and folded like the index does), every word required in the text or a file name.
        var words = body["query"]!["bool"]!["must"]!.AsArray();
        Assert.Equal(["lunch", "and"], words.Select(w => (string)w!["bool"]!["should"]![0]!["match"]!["text"]!["query"]!));
        Assert.Equal(["lunch", "and"], words.Select(w => (string)w!["bool"]!["should"]![1]!["match"]!["fileNames"]!["query"]!));
        Assert.All(words, w => Assert.Equal("and", (string)w!["bool"]!["should"]![1]!["match"]!["fileNames"]!["operator"]!));
        Assert.All(words, w => Assert.Equal(1, (int)w!["bool"]!["minimum_should_match"]!));
        var scopes = body["query"]!["bool"]!["filter"]![0]!["bool"]!;
        Assert.Equal(1, (int)scopes["minimum_should_match"]!);
        var should = scopes["should"]!.AsArray();
        Assert.Equal(["c1"], should[0]!["terms"]!["conversationId"]!.AsArray().Select(c => (string)c!));
        Assert.Equal(("c2", 5L, 30L), ((string)should[1]!["bool"]!["filter"]![0]!["term"]!["conversationId"]!,
            (long)should[1]!["bool"]!["filter"]![1]!["range"]!["seq"]!["gte"]!, (long)should[1]!["bool"]!["filter"]![1]!["range"]!["seq"]!["lte"]!));
        Assert.Equal(("c3", 50L, null), ((string)should[2]!["bool"]!["filter"]![0]!["term"]!["conversationId"]!,
            (long)should[2]!["bool"]!["filter"]![1]!["range"]!["seq"]!["gte"]!, should[2]!["bool"]!["filter"]![1]!["range"]!["seq"]!["lte"]));
        Assert.Equal(3, should.Count);
        var highlight = body["highlight"]!;
        Assert.Equal(("html", "<mark>", "</mark>"), ((string)highlight["encoder"]!, (string)highlight["pre_tags"]![0]!, (string)highlight["post_tags"]![0]!));

        Assert.Equal(42, result.TotalHits);
        Assert.Equal(9, result.NextOffset);
        Assert.Equal(["c1/7", "c2/3", "c2/4"], result.Hits.Select(h => $"{h.ConversationId}/{h.Seq}"));
        Assert.Equal(("bob", "m-7", ChatEvents.Start.AddSeconds(7), "<i>lunch</i> at noon", true, 2.5),
            (result.Hits[0].SenderId, result.Hits[0].MessageId, result.Hits[0].SentAt, result.Hits[0].Text, result.Hits[0].Edited, result.Hits[0].Score));
        Assert.Equal(DateTimeKind.Utc, result.Hits[0].SentAt.Kind);
        Assert.Equal("&lt;i&gt;<mark>lunch</mark>&lt;&#x2F;i&gt; at noon", result.Hits[0].Highlight);
        Assert.Equal("<mark>lunch</mark>-menu.pdf", result.Hits[1].Highlight);   // only the file name matched
        Assert.Equal(["lunch-menu.pdf"], result.Hits[1].FileNames);
        Assert.Equal("a &amp; b", result.Hits[2].Highlight);                     // no highlight: the text, escaped
    }

    [Fact]
    public async Task A_search_without_scopes_or_with_a_bad_request_sends_nothing()
    {
        var (index, handler) = Open(_ => throw new InvalidOperationException("no request expected"));
        Assert.Empty((await index.SearchAsync(new SearchRequest("lunch", []), default)).Hits);
        Assert.Empty((await index.SearchAsync(new SearchRequest("lunch", [SearchScope.Member("c1", 1)]) { ConversationId = "c2" }, default)).Hits);
        Assert.Empty((await index.SearchAsync(new SearchRequest("* \" (", [SearchScope.Member("c1", 1)]), default)).Hits); // no word to search for
        await Assert.ThrowsAsync<InvalidSearchRequestException>(() => index.SearchAsync(new SearchRequest("", [SearchScope.Member("c1", 1)]), default));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task A_failed_search_says_what_elasticsearch_answered()
    {
        var (index, _) = Open(_ => (HttpStatusCode.ServiceUnavailable,
            """{"error":{"type":"search_phase_execution_exception","reason":"all shards failed"},"status":503}"""));
        var error = await Assert.ThrowsAsync<ElasticsearchException>(() => index.SearchAsync(new SearchRequest("x", [SearchScope.Member("c1", 1)]), default));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Status);
        Assert.Contains("503", error.Message, StringComparison.Ordinal);
        Assert.Contains("search_phase_execution_exception: all shards failed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("chat", "secret", null, "Basic Y2hhdDpzZWNyZXQ=")]
    [InlineData(null, null, "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==", "ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==")]
    [InlineData(null, null, null, null)]
    public async Task Credentials_go_in_the_authorization_header(string? user, string? password, string? apiKey, string? expected)
    {
        var options = new SearchIndexOptions
        {
            Store = SearchIndexOptions.ElasticsearchStore, ElasticUrl = "https://es.test:9200/", IndexName = "msgs",
            ElasticUsername = user, ElasticPassword = password, ElasticApiKey = apiKey,
        };
        var (index, handler) = Open(_ => (HttpStatusCode.OK, """{"hits":{"total":{"value":0,"relation":"eq"},"hits":[]}}"""), options);
        await index.SearchAsync(new SearchRequest("x", [SearchScope.Member("c1", 1)]), default);
        Assert.Equal(expected, Assert.Single(handler.Requests).Authorization);
        Assert.DoesNotContain("secret", index.Location, StringComparison.Ordinal);
    }
}
