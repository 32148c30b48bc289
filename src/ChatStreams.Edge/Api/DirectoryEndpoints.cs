using ChatStreams.Edge.History;
using ChatStreams.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ChatStreams.Edge.Api;

/// <summary>GET /api/contacts (people the caller shares a conversation with) and GET /api/search (message search).</summary>
public static class DirectoryEndpoints
{
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

        endpoints.MapGet("/api/search", MessageSearch.SearchAsync).RequireAuthorization();
    }
}
