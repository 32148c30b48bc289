using Microsoft.AspNetCore.Http;

namespace ChatStreams.Edge.Media;

/// <summary>
/// The origin a client reached this edge at: the gateway's (its X-Forwarded-Proto/Host, which the gateway sets, never
/// appends) or this edge's own. The local store's relative URLs are made absolute against it, so they go back
/// through the same entry point. A client that forges the headers only misleads itself.
/// </summary>
internal static class RequestOrigin
{
    public static Uri Absolute(HttpContext http, Uri url)
    {
        if (url.IsAbsoluteUri) return url;
        var request = http.Request;
        var scheme = First(request.Headers["X-Forwarded-Proto"]) ?? request.Scheme;
        var host = First(request.Headers["X-Forwarded-Host"]) ?? request.Host.Value;
        return new Uri($"{scheme}://{host}{request.PathBase}{url.OriginalString}");
    }

    private static string? First(Microsoft.Extensions.Primitives.StringValues values)
    {
        var first = values.ToString().Split(',', 2)[0].Trim();
        return first.Length == 0 ? null : first;
    }
}
