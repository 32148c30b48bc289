using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatStreams.Sinks.Search.Lucene;

namespace ChatStreams.Sinks.Search.Elasticsearch;

/// <summary>
/// The request bodies the adapter sends, built as JSON (never by pasting strings), following Elasticsearch's REST API:
/// index creation with settings and mappings, _bulk as NDJSON, _mget and _search.
/// </summary>
internal static class ElasticsearchBodies
{
    public const string Analyzer = "chat_text";
    public const string FileNameAnalyzer = "chat_file_name";

    /// <summary>
    /// The messages index: the same analysis as the Lucene index (standard tokenizer, lowercase, asciifolding), strict
    /// mappings so a typo in a field name fails loudly instead of creating a field.
    /// </summary>
    public static JsonObject MessagesIndex() => new()
    {
        ["settings"] = new JsonObject
        {
            ["analysis"] = new JsonObject
            {
                ["char_filter"] = new JsonObject
                {
                    ["file_name_separators"] = new JsonObject
                    {
                        ["type"] = "mapping",
                        ["mappings"] = new JsonArray(ChatTextAnalyzer.FileNameSeparatorChars.Select(c => (JsonNode)$"{c} => -").ToArray()),
                    },
                },
                ["analyzer"] = new JsonObject
                {
                    [Analyzer] = new JsonObject
                    {
                        ["type"] = "custom", ["tokenizer"] = "standard", ["filter"] = new JsonArray("lowercase", "asciifolding"),
                    },
                    [FileNameAnalyzer] = new JsonObject
                    {
                        ["type"] = "custom", ["char_filter"] = new JsonArray("file_name_separators"), ["tokenizer"] = "standard",
                        ["filter"] = new JsonArray("lowercase", "asciifolding"),
                    },
                },
            },
        },
        ["mappings"] = new JsonObject
        {
            ["dynamic"] = "strict",
            ["properties"] = new JsonObject
            {
                [Fields.ConversationId] = Type("keyword"),
                [Fields.Seq] = Type("long"),
                [Fields.MessageId] = new JsonObject { ["type"] = "keyword", ["index"] = false },
                [Fields.SenderId] = Type("keyword"),
                [Fields.SentAt] = Type("date"),
                [Fields.Text] = new JsonObject { ["type"] = "text", ["analyzer"] = Analyzer },
                [Fields.FileNames] = new JsonObject { ["type"] = "text", ["analyzer"] = FileNameAnalyzer },
                [Fields.Edited] = Type("boolean"),
            },
        },
    };

    /// <summary>The watermarks index: one document per conversation, id = conversation id, the last seq applied.</summary>
    public static JsonObject WatermarksIndex() => new()
    {
        ["settings"] = new JsonObject { ["number_of_shards"] = 1 },
        ["mappings"] = new JsonObject
        {
            ["dynamic"] = "strict",
            ["properties"] = new JsonObject { [Fields.AppliedSeq] = Type("long") },
        },
    };

    /// <summary>Index or delete each message (by id "conversationId/seq"): the final state the batch leaves.</summary>
    public static string MessagesBulk(string index, IEnumerable<KeyValuePair<MessageKey, IndexedMessage?>> messages)
    {
        var lines = new StringBuilder();
        foreach (var (key, message) in messages)
        {
            if (message is null)
            {
                Line(lines, new JsonObject { ["delete"] = new JsonObject { ["_index"] = index, ["_id"] = key.DocumentId } });
                continue;
            }
            Line(lines, new JsonObject { ["index"] = new JsonObject { ["_index"] = index, ["_id"] = key.DocumentId } });
            Line(lines, Source(message));
        }
        return lines.ToString();
    }

    /// <summary>
    /// The watermarks, each with external_gte versioning by the seq itself: Elasticsearch keeps the highest seq and
    /// answers a lower one (a second sink instance behind during a rebalance) with a version conflict, not a rewind.
    /// </summary>
    public static string WatermarksBulk(string index, IEnumerable<KeyValuePair<string, long>> appliedSeqs)
    {
        var lines = new StringBuilder();
        foreach (var (conversationId, seq) in appliedSeqs)
        {
            Line(lines, new JsonObject
            {
                ["index"] = new JsonObject { ["_index"] = index, ["_id"] = conversationId, ["version"] = seq, ["version_type"] = "external_gte" },
            });
            Line(lines, new JsonObject { [Fields.AppliedSeq] = seq });
        }
        return lines.ToString();
    }

    public static JsonObject Ids(IEnumerable<string> ids) => new() { ["ids"] = new JsonArray(ids.Select(id => (JsonNode)id).ToArray()) };

    public static JsonObject Source(IndexedMessage m) => new()
    {
        [Fields.ConversationId] = m.Key.ConversationId,
        [Fields.Seq] = m.Key.Seq,
        [Fields.MessageId] = m.MessageId,
        [Fields.SenderId] = m.SenderId,
        [Fields.SentAt] = m.SentAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        [Fields.Text] = m.Text,
        [Fields.FileNames] = new JsonArray(m.FileNames.Select(n => (JsonNode)n).ToArray()),
        [Fields.Edited] = m.Edited,
    };

    /// <summary>
    /// The search: every word required, each in the text or a file name, filtered to the scopes inside the same query.
    /// The words are the query text split by the same analysis the index uses (<see cref="ChatTextAnalyzer"/>), one
    /// match per word, so Lucene and Elasticsearch require exactly the same words and no query syntax exists. A scope
    /// covering a whole conversation is a plain term; the others pair the conversation with a seq range.
    /// </summary>
    public static JsonObject Search(SearchRequest request, IReadOnlyList<string> words, IReadOnlyList<SearchScope> scopes)
    {
        var every = new JsonArray();
        foreach (var word in words)
            every.Add(new JsonObject
            {
                ["bool"] = new JsonObject
                {
                    ["should"] = new JsonArray(
                        new JsonObject { ["match"] = new JsonObject { [Fields.Text] = new JsonObject { ["query"] = word } } },
                        new JsonObject { ["match"] = new JsonObject { [Fields.FileNames] = new JsonObject { ["query"] = word, ["operator"] = "and" } } }),
                    ["minimum_should_match"] = 1,
                },
            });
        var whole = scopes.Where(s => s.FromSeq <= 1 && s.ToSeq == long.MaxValue).Select(s => s.ConversationId).Distinct(StringComparer.Ordinal).ToList();
        var anyScope = new JsonArray();
        if (whole.Count > 0)
            anyScope.Add(new JsonObject { ["terms"] = new JsonObject { [Fields.ConversationId] = new JsonArray(whole.Select(c => (JsonNode)c).ToArray()) } });
        foreach (var scope in scopes.Where(s => !(s.FromSeq <= 1 && s.ToSeq == long.MaxValue)))
        {
            var range = new JsonObject { ["gte"] = scope.FromSeq };
            if (scope.ToSeq != long.MaxValue) range["lte"] = scope.ToSeq;
            anyScope.Add(new JsonObject
            {
                ["bool"] = new JsonObject
                {
                    ["filter"] = new JsonArray(
                        new JsonObject { ["term"] = new JsonObject { [Fields.ConversationId] = scope.ConversationId } },
                        new JsonObject { ["range"] = new JsonObject { [Fields.Seq] = range } }),
                },
            });
        }
        return new JsonObject
        {
            ["from"] = request.Offset,
            ["size"] = SearchRequestRules.Limit(request),
            ["track_total_hits"] = true,
            ["query"] = new JsonObject
            {
                ["bool"] = new JsonObject
                {
                    ["must"] = every,
                    ["filter"] = new JsonArray(new JsonObject
                    {
                        ["bool"] = new JsonObject { ["should"] = anyScope, ["minimum_should_match"] = 1 },
                    }),
                },
            },
            ["highlight"] = new JsonObject
            {
                ["encoder"] = "html",
                ["pre_tags"] = new JsonArray("<mark>"),
                ["post_tags"] = new JsonArray("</mark>"),
                ["fields"] = new JsonObject
                {
                    [Fields.Text] = new JsonObject { ["fragment_size"] = 200, ["number_of_fragments"] = 1 },
                    [Fields.FileNames] = new JsonObject { ["fragment_size"] = 200, ["number_of_fragments"] = 1 },
                },
            },
        };
    }

    private static JsonObject Type(string type) => new() { ["type"] = type };

    // NDJSON: one compact JSON object per line, every line (the last too) ended by a newline.
    private static void Line(StringBuilder lines, JsonObject json) =>
        lines.Append(json.ToJsonString(new JsonSerializerOptions { WriteIndented = false })).Append('\n');

    public static class Fields
    {
        public const string ConversationId = "conversationId";
        public const string Seq = "seq";
        public const string MessageId = "messageId";
        public const string SenderId = "senderId";
        public const string SentAt = "sentAt";
        public const string Text = "text";
        public const string FileNames = "fileNames";
        public const string Edited = "edited";
        public const string AppliedSeq = "appliedSeq";
    }
}
