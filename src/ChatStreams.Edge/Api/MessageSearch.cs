using ChatStreams.Edge.History;
using ChatStreams.Identity;
using ChatStreams.Sinks.Search;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Edge.Api;

/// <summary>
/// GET /api/search: ranked, highlighted hits from the search index, among the messages the caller may read. What the
/// caller may read (each membership from join to leave) comes from the history store and goes into the index query
/// itself as scopes, so no other conversation's message can be ranked, counted or returned.
/// </summary>
public static class MessageSearch
{
    public static async Task<IResult> SearchAsync(HttpContext http, IConversationHistory history, ISearchReader index, ILoggerFactory loggers,
        string? q, string? conversationId, int? limit, int? offset)
    {
        if (string.IsNullOrWhiteSpace(q))
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, "q (the words to look for) is missing");
        var size = limit ?? SearchRequestRules.DefaultLimit;
        if (size < 1 || size > SearchRequestRules.MaxLimit)
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, $"limit must be 1 to {SearchRequestRules.MaxLimit}");
        var caller = ConversationEndpoints.Caller(http);
        var ranges = await history.ReadableRangesAsync(caller, http.RequestAborted);
        var scopes = ranges
            .Where(r => conversationId is null || r.ConversationId == conversationId)
            .Select(r => new SearchScope(r.ConversationId, r.FromSeq, r.ToSeq))
            .ToList();
        SearchResults results;
        try
        {
            results = await index.SearchAsync(new SearchRequest(q, scopes) { ConversationId = conversationId, Limit = size, Offset = offset ?? 0 }, http.RequestAborted);
        }
        catch (InvalidSearchRequestException e)
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            loggers.CreateLogger("ChatStreams.Edge.Search").LogWarning(e, "Search failed for {User}", caller);
            return ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "unavailable", "search is unavailable right now; try again in a moment");
        }
        return JsonBody.Json(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("hits");
            foreach (var hit in results.Hits)
            {
                w.WriteStartObject();
                w.WriteString("conversationId", hit.ConversationId);
                w.WriteNumber("seq", hit.Seq);
                w.WriteString("messageId", hit.MessageId);
                w.WriteString("senderId", hit.SenderId);
                w.WriteString("sentAt", hit.SentAt);
                w.WriteString("body", hit.Text);
                w.WriteStartArray("fileNames");
                foreach (var name in hit.FileNames) w.WriteStringValue(name);
                w.WriteEndArray();
                w.WriteBoolean("edited", hit.Edited);
                w.WriteString("highlight", hit.Highlight);
                w.WriteNumber("score", hit.Score);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("totalHits", results.TotalHits);
            if (results.NextOffset is { } next) w.WriteNumber("nextOffset", next); else w.WriteNull("nextOffset");
            w.WriteEndObject();
        });
    }
}
