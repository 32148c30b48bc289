using System.Security.Cryptography;
using System.Text;
using ChatStreams.Contracts;
using ChatStreams.Edge.History;
using ChatStreams.Identity;
using chatstreams.v1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ChatStreams.Edge.Api;

/// <summary>/api/conversations: create, list, look at one, change members, page history (PROTOCOL.md).</summary>
public static class ConversationEndpoints
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int MaxMembersPerRequest = 1_000;
    /// <summary>Room for a full member list of user ids.</summary>
    private const long MaxCreateBodyBytes = 256 * 1024;
    private static readonly TimeSpan CatchUpWait = TimeSpan.FromSeconds(2);

    public sealed record CreateRequest(string? Kind, string? Title, List<string>? Members, bool? Encrypted = null);
    public sealed record AddMemberRequest(string? UserId, string? Role);

    public static void MapConversationApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/conversations").RequireAuthorization();
        api.MapPost("", CreateAsync);
        api.MapGet("", async (HttpContext http, IConversationHistory history) =>
        {
            // The list reflects every decision made before this call, wherever it was made.
            await history.CatchUpAsync(CatchUpWait, http.RequestAborted);
            var summaries = await history.ConversationsOfAsync(Caller(http), http.RequestAborted);
            return JsonBody.Json(w =>
            {
                w.WriteStartArray();
                foreach (var summary in summaries) HistoryJson.WriteSummary(w, summary);
                w.WriteEndArray();
            });
        });
        api.MapGet("/{id}", async (string id, HttpContext http, IConversationHistory history) =>
        {
            if (!await history.HasAccessAsync(id, Caller(http), http.RequestAborted)) await history.CatchUpAsync(CatchUpWait, http.RequestAborted);
            return await history.ConversationAsync(id, Caller(http), http.RequestAborted) is { } summary
                ? JsonBody.Json(w => HistoryJson.WriteSummary(w, summary))
                : NotMember(id);
        });
        api.MapPost("/{id}/members", AddMemberAsync);
        api.MapDelete("/{id}/members/{userId}", RemoveMemberAsync);
        api.MapGet("/{id}/messages", Messages);
    }

    internal static string Caller(HttpContext http) =>
        AccessTokens.UserId(http.User) ?? throw new InvalidOperationException("an authorized request without a user id");

    private static IResult NotMember(string conversationId) => ApiProblems.Problem(StatusCodes.Status403Forbidden, RejectionCodes.NotMember,
        $"you are not a member of conversation '{conversationId}' (or it does not exist)");

    private static async Task<IResult> CreateAsync(HttpContext http, ConversationCommands commands, IUserDirectory users)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync<CreateRequest>(http, http.RequestAborted, MaxCreateBodyBytes);
        if (problem is not null) return problem;
        var caller = Caller(http);
        var errors = new Dictionary<string, string[]>();
        var kind = body!.Kind switch
        {
            "direct" => ConversationKind.Direct,
            "group" => ConversationKind.Group,
            _ => (ConversationKind?)null,
        };
        if (kind is null) errors["kind"] = ["kind must be \"direct\" or \"group\""];
        var members = (body.Members ?? []).Where(m => m != caller).Distinct(StringComparer.Ordinal).ToList();
        if (members.Count > MaxMembersPerRequest) errors["members"] = [$"at most {MaxMembersPerRequest} members"];
        else if (kind == ConversationKind.Direct && members.Count != 1) errors["members"] = ["a direct conversation has exactly one other member"];
        else if (members.Count > 0)
        {
            var known = await users.GetProfilesAsync(members, http.RequestAborted);
            var unknown = members.Where(m => !known.ContainsKey(m)).ToList();
            if (unknown.Count > 0) errors["members"] = [$"unknown user ids: {string.Join(", ", unknown.Take(10))}"];
        }
        if (errors.Count > 0)
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, "the conversation cannot be created as asked", errors);

        // A direct conversation between two users has one id, so asking again finds the same conversation.
        // An encrypted conversation is another conversation than the plain one between the same users (ids differ).
        var encrypted = body.Encrypted == true;
        var conversationId = kind == ConversationKind.Direct ? DirectConversationId(caller, members[0], encrypted)
            : (encrypted ? EncryptedConversations.IdPrefix : "") + Guid.NewGuid().ToString("N");
        var decision = await commands.IssueAsync(caller, conversationId,
            new CreateConversation { Kind = kind!.Value, Title = body.Title, Members = members, Encrypted = encrypted });
        if (decision.Event?.Payload is CommandRejected { Code: RejectionCodes.ConversationExists } && kind == ConversationKind.Direct)
            return JsonBody.Json(w => { w.WriteStartObject(); w.WriteString("conversationId", conversationId); w.WriteBoolean("existing", true); w.WriteEndObject(); });
        if (decision.Problem is not null) return decision.Problem;
        return Decided(decision, conversationId, StatusCodes.Status201Created);
    }

    public static string DirectConversationId(string a, string b, bool encrypted = false)
    {
        var pair = string.CompareOrdinal(a, b) < 0 ? $"{a}\n{b}" : $"{b}\n{a}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(pair)))[..32];
        return encrypted ? EncryptedConversations.IdPrefix + "dm-" + hash : "dm-" + hash;
    }

    private static async Task<IResult> AddMemberAsync(string id, HttpContext http, ConversationCommands commands, IUserDirectory users)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync<AddMemberRequest>(http, http.RequestAborted);
        if (problem is not null) return problem;
        if (string.IsNullOrEmpty(body!.UserId))
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, "userId is missing");
        var role = body.Role switch
        {
            null or "member" => MemberRole.Member,
            "admin" => MemberRole.Admin,
            _ => (MemberRole?)null,
        };
        if (role is null) return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, "role must be \"member\" or \"admin\"");
        if (await users.FindByIdAsync(body.UserId, http.RequestAborted) is null)
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, $"there is no user '{body.UserId}'");
        var decision = await commands.IssueAsync(Caller(http), id, new AddMember { MemberId = body.UserId, Role = role.Value });
        return decision.Problem ?? Decided(decision, id, StatusCodes.Status200OK);
    }

    private static async Task<IResult> RemoveMemberAsync(string id, string userId, HttpContext http, ConversationCommands commands)
    {
        var decision = await commands.IssueAsync(Caller(http), id, new RemoveMember { MemberId = userId });
        return decision.Problem ?? Decided(decision, id, StatusCodes.Status200OK);
    }

    private static IResult Decided(ConversationCommands.Decision decision, string conversationId, int status) => decision.Event is { } decided
        ? JsonBody.Json(w => { w.WriteStartObject(); w.WriteString("conversationId", conversationId); w.WriteNumber("seq", decided.Seq); w.WriteEndObject(); }, status)
        : JsonBody.Json(w => { w.WriteStartObject(); w.WriteString("conversationId", conversationId); w.WriteString("status", "pending"); w.WriteEndObject(); },
            StatusCodes.Status202Accepted);

    /// <summary>
    /// A page of history in seq order: with <c>before</c> the newest events below it, newest first; with <c>after</c>
    /// the oldest events above it, oldest first; with neither the newest page, newest first.
    /// </summary>
    private static async Task<IResult> Messages(string id, HttpContext http, IConversationHistory history, long? before, long? after, int? limit)
    {
        var caller = Caller(http);
        // Reads see every message decided before the call, even if this edge's history was a moment behind.
        await history.CatchUpAsync(CatchUpWait, http.RequestAborted);
        if (!await history.HasAccessAsync(id, caller, http.RequestAborted)) return NotMember(id);
        var size = limit ?? DefaultPageSize;
        if (size < 1 || size > MaxPageSize || before < 1 || after < 0 || (before is not null && after is not null && before <= after + 1))
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest,
                $"limit must be 1 to {MaxPageSize}; before ≥ 1, after ≥ 0, and before above after + 1 when both are given");
        var newestFirst = after is null;
        var items = await history.EventsAsync(id, caller, after ?? 0, before ?? long.MaxValue, size + 1, newestFirst, http.RequestAborted);
        var hasMore = items.Count > size;
        return JsonBody.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("conversationId", id);
            w.WriteString("order", newestFirst ? "newest_first" : "oldest_first");
            w.WriteStartArray("items");
            foreach (var item in items.Take(size)) HistoryJson.WriteItem(w, item);
            w.WriteEndArray();
            w.WriteBoolean("hasMore", hasMore);
            w.WriteEndObject();
        });
    }
}
