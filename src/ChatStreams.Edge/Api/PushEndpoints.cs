using ChatStreams.Contracts;
using ChatStreams.Edge.History;
using ChatStreams.Identity;
using ChatStreams.Notifications;
using ChatStreams.Notifications.Preferences;
using ChatStreams.Notifications.WebPush;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge.Api;

/// <summary>
/// Push notifications at the edge (docs/protocol.md): the VAPID public key browsers subscribe with, registering and
/// removing a browser's push subscription, and muting a conversation. The edge writes the preferences store the push
/// sender reads (Notifications__SqlitePath) and hands out the key pair it signs with (Notifications__VapidKeyFile).
/// </summary>
public static class PushEndpoints
{
    private static readonly TimeSpan CatchUpWait = TimeSpan.FromSeconds(2);

    public sealed record SubscriptionKeys(string? P256dh, string? Auth);
    public sealed record SubscriptionRequest(string? Endpoint, SubscriptionKeys? Keys);
    public sealed record MuteRequest(DateTimeOffset? Until);

    public static void AddPushApi(this IServiceCollection services, IConfiguration configuration)
    {
        var options = new NotificationOptions();
        configuration.GetSection(NotificationOptions.Section).Bind(options);
        NotificationOptionsValidator.ThrowIfInvalid(options);
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.Section));
        services.AddSingleton(_ =>
        {
            var store = PushPreferencesStores.Open(options);
            store.InitializeAsync(CancellationToken.None).GetAwaiter().GetResult();
            return store;
        });
        services.AddSingleton(p => VapidKeys.LoadAsync(options, p.GetRequiredService<IPushPreferences>(), CancellationToken.None).GetAwaiter().GetResult());
    }

    public static void MapPushApi(this IEndpointRouteBuilder endpoints)
    {
        // The public key is public: a page may fetch it before deciding to ask for notification permission.
        endpoints.MapGet("/api/push/vapid-public-key", (VapidKeys keys) =>
            JsonBody.Json(w => { w.WriteStartObject(); w.WriteString("publicKey", keys.PublicKeyText); w.WriteEndObject(); }));
        endpoints.MapPost("/api/push/subscriptions", SubscribeAsync).RequireAuthorization();
        endpoints.MapDelete("/api/push/subscriptions", UnsubscribeAsync).RequireAuthorization();
        endpoints.MapGet("/api/push/mutes", MutesAsync).RequireAuthorization();
        endpoints.MapGet("/api/conversations/{id}/mute", MuteStateAsync).RequireAuthorization();
        endpoints.MapPut("/api/conversations/{id}/mute", MuteAsync).RequireAuthorization();
        endpoints.MapDelete("/api/conversations/{id}/mute", UnmuteAsync).RequireAuthorization();
    }

    private static async Task<IResult> SubscribeAsync(HttpContext http, IPushPreferences preferences, IOptions<NotificationOptions> options, TimeProvider time)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync<SubscriptionRequest>(http, http.RequestAborted);
        if (problem is not null) return problem;
        var errors = PushSubscriptionRules.Validate(body!.Endpoint, body.Keys?.P256dh, body.Keys?.Auth, options.Value);
        if (errors.Count > 0)
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, "the push subscription cannot be used", errors);
        // Stored in canonical base64url, whatever padding or alphabet the client used.
        var subscription = new PushSubscription(ConversationEndpoints.Caller(http), body.Endpoint!,
            Base64Url.Encode(Base64Url.Decode(body.Keys!.P256dh!)), Base64Url.Encode(Base64Url.Decode(body.Keys.Auth!)), time.GetUtcNow());
        await preferences.SaveSubscriptionAsync(subscription, options.Value.MaxSubscriptionsPerUser, http.RequestAborted);
        return JsonBody.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("endpoint", subscription.Endpoint);
            w.WriteString("createdAt", subscription.CreatedAt);
            w.WriteEndObject();
        }, StatusCodes.Status201Created);
    }

    private static async Task<IResult> UnsubscribeAsync(HttpContext http, IPushPreferences preferences, string? endpoint)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, "endpoint (the subscription's push service URL) is missing from the query");
        return await preferences.RemoveSubscriptionAsync(ConversationEndpoints.Caller(http), endpoint, http.RequestAborted)
            ? Results.NoContent()
            : ApiProblems.Problem(StatusCodes.Status404NotFound, ApiErrorCodes.NotFound, "you have no push subscription with that endpoint");
    }

    /// <summary>Every mute of the caller still in force: a client marks muted chats in its list with one call.</summary>
    private static async Task<IResult> MutesAsync(HttpContext http, IPushPreferences preferences, TimeProvider time)
    {
        var mutes = await preferences.MutesOfAsync(ConversationEndpoints.Caller(http), time.GetUtcNow(), http.RequestAborted);
        return JsonBody.Json(w =>
        {
            w.WriteStartArray();
            foreach (var mute in mutes.OrderBy(m => m.ConversationId, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("conversationId", mute.ConversationId);
                if (mute.Until is { } until) w.WriteString("until", until);
                else w.WriteNull("until");
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private static async Task<IResult> MuteStateAsync(string id, HttpContext http, IConversationHistory history, IPushPreferences preferences, TimeProvider time)
    {
        var caller = ConversationEndpoints.Caller(http);
        if (!await IsMemberAsync(history, id, caller, http.RequestAborted)) return NotMember(id);
        var mute = (await preferences.MutesOfAsync(caller, time.GetUtcNow(), http.RequestAborted)).FirstOrDefault(m => m.ConversationId == id);
        return MuteState(id, mute);
    }

    private static async Task<IResult> MuteAsync(string id, HttpContext http, IConversationHistory history, IPushPreferences preferences, TimeProvider time)
    {
        DateTimeOffset? until = null;
        // The body is optional: no body (or {}) mutes until unmuted.
        if (http.Request.ContentLength is > 0 || (http.Request.ContentLength is null && http.Request.HasJsonContentType()))
        {
            var (body, problem) = await JsonRequestBody.ReadAsync<MuteRequest>(http, http.RequestAborted);
            if (problem is not null) return problem;
            until = body!.Until;
        }
        if (until is { } end && end <= time.GetUtcNow())
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest,
                "until is in the past; leave it out to mute until unmuted, or give a future time (ISO 8601 with offset)");
        var caller = ConversationEndpoints.Caller(http);
        if (!await IsMemberAsync(history, id, caller, http.RequestAborted)) return NotMember(id);
        var mute = new ConversationMute(caller, id, until?.ToUniversalTime());
        await preferences.MuteAsync(mute, http.RequestAborted);
        return MuteState(id, mute);
    }

    private static async Task<IResult> UnmuteAsync(string id, HttpContext http, IConversationHistory history, IPushPreferences preferences)
    {
        var caller = ConversationEndpoints.Caller(http);
        if (!await IsMemberAsync(history, id, caller, http.RequestAborted)) return NotMember(id);
        await preferences.UnmuteAsync(caller, id, http.RequestAborted); // unmuting twice is not an error
        return MuteState(id, null);
    }

    /// <summary>A member as of now: when the store does not know yet (a join just decided), wait briefly for the history sink.</summary>
    private static async Task<bool> IsMemberAsync(IConversationHistory history, string conversationId, string userId, CancellationToken ct) =>
        await history.IsMemberAsync(conversationId, userId, ct)
        || (await history.CatchUpAsync(CatchUpWait, ct) && await history.IsMemberAsync(conversationId, userId, ct));

    private static IResult NotMember(string conversationId) => ApiProblems.Problem(StatusCodes.Status403Forbidden, RejectionCodes.NotMember,
        $"you are not a member of conversation '{conversationId}' (or it does not exist)");

    private static IResult MuteState(string conversationId, ConversationMute? mute) => JsonBody.Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("conversationId", conversationId);
        w.WriteBoolean("muted", mute is not null);
        if (mute?.Until is { } until) w.WriteString("until", until);
        else w.WriteNull("until");
        w.WriteEndObject();
    });
}
