using System.Globalization;
using System.Text.Json;
using static ChatStreams.Sinks.Search.Elasticsearch.ElasticsearchBodies;

namespace ChatStreams.Sinks.Search.Elasticsearch;

/// <summary>Reads Elasticsearch's answers: bulk item errors, _mget documents, _search hits and error bodies.</summary>
internal static class ElasticsearchAnswers
{
    /// <summary>
    /// The failed items of a _bulk answer (empty when "errors" is false), as "action id: status type: reason". A
    /// delete of a missing document is no error (it has no "error" object), and <paramref name="tolerated"/> lets a
    /// caller accept an error it expects.
    /// </summary>
    public static IReadOnlyList<string> BulkFailures(JsonElement answer, Func<int, string?, bool>? tolerated = null)
    {
        var failures = new List<string>();
        if (!answer.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.True) return failures;
        foreach (var item in answer.GetProperty("items").EnumerateArray())
            foreach (var action in item.EnumerateObject())
            {
                if (!action.Value.TryGetProperty("error", out var error)) continue;
                var status = action.Value.TryGetProperty("status", out var s) ? s.GetInt32() : 0;
                var type = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("type", out var t) ? t.GetString() : null;
                if (tolerated?.Invoke(status, type) == true) continue;
                var id = action.Value.TryGetProperty("_id", out var i) ? i.GetString() : "?";
                failures.Add($"{action.Name} {id}: {status} {Reason(error)}");
            }
        return failures;
    }

    /// <summary>The found documents of an _mget answer by id.</summary>
    public static Dictionary<string, JsonElement> Found(JsonElement answer)
    {
        var found = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var doc in answer.GetProperty("docs").EnumerateArray())
        {
            if (doc.TryGetProperty("error", out var error))
                throw new ElasticsearchException($"Elasticsearch could not read document {Text(doc, "_id")}: {Reason(error)}");
            if (doc.TryGetProperty("found", out var f) && f.GetBoolean()) found[doc.GetProperty("_id").GetString()!] = doc.GetProperty("_source");
        }
        return found;
    }

    public static IndexedMessage Message(JsonElement source) => new(
        new MessageKey(source.GetProperty(Fields.ConversationId).GetString()!, source.GetProperty(Fields.Seq).GetInt64()),
        Text(source, Fields.MessageId),
        Text(source, Fields.SenderId),
        DateTime.Parse(source.GetProperty(Fields.SentAt).GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
        Text(source, Fields.Text),
        source.TryGetProperty(Fields.FileNames, out var names) && names.ValueKind == JsonValueKind.Array
            ? names.EnumerateArray().Select(n => n.GetString() ?? "").ToList()
            : [],
        source.TryGetProperty(Fields.Edited, out var edited) && edited.ValueKind == JsonValueKind.True);

    /// <summary>The hits of a _search answer, and the total count.</summary>
    public static (List<SearchHit> Hits, long Total) Hits(JsonElement answer)
    {
        var hits = answer.GetProperty("hits");
        var total = hits.TryGetProperty("total", out var t) ? t.ValueKind == JsonValueKind.Object ? t.GetProperty("value").GetInt64() : t.GetInt64() : 0;
        var list = new List<SearchHit>();
        foreach (var hit in hits.GetProperty("hits").EnumerateArray())
        {
            var m = Message(hit.GetProperty("_source"));
            var score = hit.TryGetProperty("_score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : 0;
            list.Add(new SearchHit(m.Key.ConversationId, m.Key.Seq, m.MessageId, m.SenderId, m.SentAt, m.Text, m.FileNames, m.Edited,
                Highlight(hit, Fields.Text) ?? Highlight(hit, Fields.FileNames) ?? HtmlText.EscapedPrefix(m.Text, 200), score));
        }
        return (list, total);
    }

    /// <summary>Elasticsearch's own explanation in an error body ("type: reason"), or the body itself when it has none.</summary>
    public static string ErrorReason(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("error", out var error)) return Reason(error);
        }
        catch (JsonException)
        {
        }
        return body.Length > 300 ? body[..300] + "…" : body;
    }

    public static string? ErrorType(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object && error.TryGetProperty("type", out var type)
                ? type.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Highlight(JsonElement hit, string field) =>
        hit.TryGetProperty("highlight", out var highlight) && highlight.TryGetProperty(field, out var fragments) && fragments.GetArrayLength() > 0
            ? fragments[0].GetString()
            : null;

    private static string Reason(JsonElement error) => error.ValueKind == JsonValueKind.Object
        ? $"{Text(error, "type")}: {Text(error, "reason")}" + (error.TryGetProperty("caused_by", out var cause) ? $" (caused by {Reason(cause)})" : "")
        : error.ToString();

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
