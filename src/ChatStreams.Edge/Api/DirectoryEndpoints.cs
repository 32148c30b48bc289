using ChatStreams.Edge.History;
using ChatStreams.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ChatStreams.Edge.Api;

/// <summary>GET /api/contacts (people the caller shares a conversation with) and GET /api/search (message search).</summary>
public static class DirectoryEndpoints
{
    public const int MaxSearchHits = 100;

    public static void MapDirectoryApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/contacts", async (HttpContext http, IConversationHistory history, IUserDirectory users) =>
        {
            var contacts = await history.ContactsOfAsync(ConversationEndpoints.Caller(http), http.RequestAborted);
            var profiles = await users.GetProfilesAsync(contacts, http.RequestAborted);
            return Results.Json(contacts.Where(profiles.ContainsKey).Select(id =>
            {
                var presence = history.PresenceOf(id);
                return new
                {
                    profiles[id].UserId,
                    profiles[id].Username,
                    profiles[id].DisplayName,
                    presence = presence is null ? "unknown" : presence.Status == chatstreams.v1.PresenceStatus.Online ? "online" : "offline",
                    lastSeen = presence?.LastSeen,
                };
            }));
        }).RequireAuthorization();

        endpoints.MapGet("/api/search", (HttpContext http, IConversationHistory history, string? q, string? conversationId, int? limit) =>
        {
            if (string.IsNullOrWhiteSpace(q))
                return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, "q (the words to look for) is missing");
            var size = limit ?? 20;
            if (size < 1 || size > MaxSearchHits)
                return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, $"limit must be 1 to {MaxSearchHits}");
            IReadOnlyList<ChatStreams.Sinks.History.HistoryItem> hits = []; // SEARCH-WIRING: replaced by the search index
            return JsonBody.Json(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("hits");
                foreach (var hit in hits) HistoryJson.WriteItem(w, hit);
                w.WriteEndArray();
                w.WriteEndObject();
            });
        }).RequireAuthorization();

        endpoints.MapPost("/api/media", () => ApiProblems.Problem(StatusCodes.Status501NotImplemented, "not_implemented",
            "media upload is not available on this deployment yet")).RequireAuthorization();
    }
}
