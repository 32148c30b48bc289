using ChatStreams.Edge.Api;
using ChatStreams.Identity;
using ChatStreams.Media;
using ChatStreams.Media.Catalog;
using ChatStreams.Media.Stores;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace ChatStreams.Edge.Media;

/// <summary>
/// The local store's signed URLs, served by the edge itself: <c>PUT /media/{id}?expires=&amp;sig=</c> takes exactly the
/// declared bytes, <c>GET /media/{id}?expires=&amp;sig=</c> serves them. The signature is the authorization (a
/// browser's img tag sends no bearer token), so these need no token; only edges with the local store map them.
/// </summary>
public static class LocalMediaEndpoints
{
    public static void MapLocalMedia(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPut(LocalMediaStore.PathPrefix + "{mediaId}", UploadAsync);
        endpoints.MapGet(LocalMediaStore.PathPrefix + "{mediaId}", DownloadAsync);
    }

    private static async Task<IResult> UploadAsync(string mediaId, HttpContext http, LocalMediaStore store, IMediaCatalog catalog, TimeProvider clock)
    {
        var (record, refused) = await AuthorizeAsync(mediaId, "PUT", http, store, catalog, clock);
        if (refused is not null) return refused;
        if (record!.UploadedAt is not null || await store.StatAsync(record, http.RequestAborted) is not null)
            return ApiProblems.Problem(StatusCodes.Status409Conflict, MediaErrorCodes.AlreadyUploaded,
                $"media '{mediaId}' was uploaded already and cannot be replaced; declare a new upload with POST /api/media");
        var sentType = MediaLimits.Normalize(http.Request.ContentType);
        if (sentType != record.ContentType)
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, MediaErrorCodes.ContentTypeMismatch,
                $"the upload was declared as '{record.ContentType}' but sent with Content-Type '{http.Request.ContentType}'; send the uploadHeaders from POST /api/media");
        if (http.Request.ContentLength is { } length && length != record.Size)
            return SizeMismatch(record, length);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = record.Size + 1; // a chunked body is counted as it streams; one byte over is enough to refuse it

        LocalUploadResult result;
        try
        {
            result = await store.WriteAsync(record, http.Request.Body, http.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return SizeMismatch(record, record.Size + 1);
        }
        if (result.AlreadyStored)
            return ApiProblems.Problem(StatusCodes.Status409Conflict, MediaErrorCodes.AlreadyUploaded, $"media '{mediaId}' was uploaded already by another request");
        if (!result.Stored) return SizeMismatch(record, result.BytesReceived);
        await catalog.MarkUploadedAsync(record.MediaId, clock.GetUtcNow(), http.RequestAborted);
        return JsonBody.Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("mediaId", record.MediaId);
            w.WriteNumber("size", result.BytesReceived);
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> DownloadAsync(string mediaId, HttpContext http, LocalMediaStore store, IMediaCatalog catalog, TimeProvider clock)
    {
        var (record, refused) = await AuthorizeAsync(mediaId, "GET", http, store, catalog, clock);
        if (refused is not null) return refused;
        var path = store.FilePath(record!.MediaId);
        if (!File.Exists(path))
            return ApiProblems.Problem(StatusCodes.Status404NotFound, MediaErrorCodes.NotUploaded, $"media '{mediaId}' has not been uploaded yet");
        http.Response.Headers.ContentDisposition = MediaContentDisposition.For(record);
        // Served exactly as declared: a browser must never guess another type (and run it) from the bytes.
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, max-age=300";
        return Results.File(path, record.ContentType, enableRangeProcessing: true);
    }

    private static async Task<(MediaRecord? Record, IResult? Refused)> AuthorizeAsync(string mediaId, string method, HttpContext http,
        LocalMediaStore store, IMediaCatalog catalog, TimeProvider clock)
    {
        if (!MediaRecord.IsValidId(mediaId))
            return (null, ApiProblems.Problem(StatusCodes.Status404NotFound, ApiErrorCodes.NotFound, $"there is no media '{mediaId}'"));
        var check = store.Signer.Check(method, mediaId, http.Request.Query["expires"], http.Request.Query["sig"], clock.GetUtcNow());
        if (check == SignatureCheck.Invalid)
            return (null, ApiProblems.Problem(StatusCodes.Status403Forbidden, MediaErrorCodes.InvalidSignature,
                $"this media URL is not valid for {method} (its signature does not match); use the URL exactly as POST /api/media or GET /api/media/{{id}} gave it"));
        if (check == SignatureCheck.Expired)
            return (null, ApiProblems.Problem(StatusCodes.Status403Forbidden, MediaErrorCodes.UrlExpired,
                method == "PUT"
                    ? "this upload URL has expired; declare the upload again with POST /api/media"
                    : $"this download URL has expired; get a fresh one from GET /api/media/{mediaId}"));
        var record = await catalog.FindAsync(mediaId, http.RequestAborted);
        return record is null
            ? (null, ApiProblems.Problem(StatusCodes.Status404NotFound, ApiErrorCodes.NotFound, $"there is no media '{mediaId}'"))
            : (record, null);
    }

    private static IResult SizeMismatch(MediaRecord record, long received) => ApiProblems.Problem(StatusCodes.Status400BadRequest, MediaErrorCodes.SizeMismatch,
        $"the upload was declared as {record.Size} bytes but {(received > record.Size ? "more" : received.ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes came; send exactly the declared bytes");
}
