using System.Text.Json;
using ChatStreams.Contracts;
using ChatStreams.Edge.Api;
using ChatStreams.Edge.History;
using ChatStreams.Identity;
using ChatStreams.Media;
using ChatStreams.Media.Catalog;
using ChatStreams.Media.Stores;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge.Media;

/// <summary>
/// POST /api/media (declare an upload, get the URLs) and GET /api/media/{id} (a fresh download URL). Who may download:
/// whoever has access to the conversation the media was uploaded for — its members, and former members (they keep
/// reading the history of their time in it). The bytes never pass through these endpoints.
/// </summary>
public static class MediaEndpoints
{
    private static readonly TimeSpan CatchUpWait = TimeSpan.FromSeconds(2);

    public sealed record UploadRequest(string? FileName, string? ContentType, long? Size, string? ConversationId);

    public static void MapMediaApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/media", CreateAsync).RequireAuthorization();
        endpoints.MapGet("/api/media/{mediaId}", GetAsync).RequireAuthorization();
        // The local store's signed URLs are served by the edge; with S3 clients talk to the bucket directly.
        if (endpoints.ServiceProvider.GetRequiredService<IMediaStore>() is LocalMediaStore) endpoints.MapLocalMedia();
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IConversationHistory history, IMediaCatalog catalog, IMediaStore store,
        MediaLimits limits, IOptions<MediaOptions> options, TimeProvider clock)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync<UploadRequest>(http, http.RequestAborted);
        if (problem is not null) return problem;
        var errors = new Dictionary<string, string[]>();
        var fileName = MediaLimits.CleanFileName(body!.FileName);
        if (fileName is null) errors["fileName"] = ["fileName is missing: give the file's name, e.g. \"photo.jpg\""];
        var contentType = MediaLimits.Normalize(body.ContentType);
        if (contentType is null) errors["contentType"] = ["contentType is missing or not a content type (type/subtype, e.g. \"image/jpeg\")"];
        else if (!limits.Allows(contentType))
            errors["contentType"] = [$"files of type '{contentType}' are not accepted; accepted types: {string.Join(", ", limits.AllowedContentTypes)}"];
        if (body.Size is not > 0) errors["size"] = ["size must be the file's length in bytes, at least 1"];
        if (string.IsNullOrEmpty(body.ConversationId)) errors["conversationId"] = ["conversationId is missing: name the conversation the file will be sent to"];
        if (errors.Count > 0) return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, "the upload cannot be accepted as declared", errors);
        if (body.Size > limits.MaxSizeBytes)
            return ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, MediaErrorCodes.TooLarge,
                $"the file is {MediaLimits.Describe(body.Size!.Value)}; files may be at most {MediaLimits.Describe(limits.MaxSizeBytes)} ({limits.MaxSizeBytes} bytes)");

        var caller = ConversationEndpoints.Caller(http);
        var conversationId = body.ConversationId!;
        // A member added through another edge a moment ago may not be in this edge's history yet.
        if (!await history.IsMemberAsync(conversationId, caller, http.RequestAborted)
            && (!await history.CatchUpAsync(CatchUpWait, http.RequestAborted) || !await history.IsMemberAsync(conversationId, caller, http.RequestAborted)))
            return ApiProblems.Problem(StatusCodes.Status403Forbidden, RejectionCodes.NotMember,
                $"you are not a member of conversation '{conversationId}' (or it does not exist); only members may upload files to it");

        var record = new MediaRecord(MediaRecord.NewId(), caller, conversationId, fileName!, contentType!, body.Size!.Value, clock.GetUtcNow());
        await store.EnsureReadyAsync(http.RequestAborted);
        await catalog.AddAsync(record, http.RequestAborted);
        var expires = DateTimeOffset.FromUnixTimeSeconds((clock.GetUtcNow() + options.Value.UrlLifetime).ToUnixTimeSeconds());
        var upload = await store.UploadTargetAsync(record, expires, http.RequestAborted);
        var download = await store.DownloadUrlAsync(record, expires, http.RequestAborted);
        http.Response.Headers.Location = $"/api/media/{record.MediaId}";
        return JsonBody.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("mediaId", record.MediaId);
            w.WriteString("uploadUrl", RequestOrigin.Absolute(http, upload.Url).AbsoluteUri);
            w.WriteString("uploadMethod", UploadTarget.Method);
            w.WriteStartObject("uploadHeaders");
            foreach (var (name, value) in upload.Headers) w.WriteString(name, value);
            w.WriteEndObject();
            w.WriteString("downloadUrl", RequestOrigin.Absolute(http, download).AbsoluteUri);
            w.WriteString("expiresAt", expires.UtcDateTime);
            WriteRecord(w, record);
            w.WriteEndObject();
        }, StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetAsync(string mediaId, HttpContext http, IConversationHistory history, IMediaCatalog catalog, IMediaStore store,
        UploadConfirmation uploads, IOptions<MediaOptions> options, TimeProvider clock)
    {
        var record = MediaRecord.IsValidId(mediaId) ? await catalog.FindAsync(mediaId, http.RequestAborted) : null;
        if (record is null)
            return ApiProblems.Problem(StatusCodes.Status404NotFound, ApiErrorCodes.NotFound, $"there is no media '{mediaId}'");
        var caller = ConversationEndpoints.Caller(http);
        if (!await history.HasAccessAsync(record.ConversationId, caller, http.RequestAborted)
            && (!await history.CatchUpAsync(CatchUpWait, http.RequestAborted) || !await history.HasAccessAsync(record.ConversationId, caller, http.RequestAborted)))
            return ApiProblems.Problem(StatusCodes.Status403Forbidden, RejectionCodes.NotMember,
                $"media '{mediaId}' belongs to a conversation you are not a member of");
        var state = await uploads.ConfirmAsync(record, http.RequestAborted);
        if (state.Status != UploadStatus.Uploaded)
            return ApiProblems.Problem(StatusCodes.Status409Conflict,
                state.Status == UploadStatus.Missing ? MediaErrorCodes.NotUploaded : MediaErrorCodes.UploadMismatch, state.Problem!);

        var expires = DateTimeOffset.FromUnixTimeSeconds((clock.GetUtcNow() + options.Value.UrlLifetime).ToUnixTimeSeconds());
        var url = RequestOrigin.Absolute(http, await store.DownloadUrlAsync(record, expires, http.RequestAborted)).AbsoluteUri;
        // The URL is a credential for its lifetime: no shared cache may keep it.
        http.Response.Headers.CacheControl = "private, no-store";
        if (!WantsJson(http.Request)) return Results.Redirect(url);
        return JsonBody.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("mediaId", record.MediaId);
            w.WriteString("downloadUrl", url);
            w.WriteString("expiresAt", expires.UtcDateTime);
            WriteRecord(w, record);
            w.WriteEndObject();
        });
    }

    private static void WriteRecord(Utf8JsonWriter w, MediaRecord record)
    {
        w.WriteString("conversationId", record.ConversationId);
        w.WriteString("fileName", record.FileName);
        w.WriteString("contentType", record.ContentType);
        w.WriteNumber("size", record.Size);
    }

    private static bool WantsJson(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase));
}
