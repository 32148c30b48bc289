using System.Net;

namespace ChatStreams.Fuzz.Tests.Support;

/// <summary>The error codes docs/protocol.md §13 documents; anything else a fuzz case meets is a finding.</summary>
public static class DocumentedErrors
{
    /// <summary>§13.1: codes of WebSocket error frames.</summary>
    public static readonly IReadOnlySet<string> FrameCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "bad_frame", "too_large", "rate_limited", "unavailable", "not_member", "not_author", "not_found", "invalid_command",
        "invalid_attachment", "unauthorized",
    };

    /// <summary>§13.2: REST problem codes with the statuses they come with.</summary>
    public static readonly IReadOnlyDictionary<string, HttpStatusCode[]> RestCodes = new Dictionary<string, HttpStatusCode[]>(StringComparer.Ordinal)
    {
        ["invalid_request"] = [HttpStatusCode.BadRequest, HttpStatusCode.MethodNotAllowed, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType],
        ["username_taken"] = [HttpStatusCode.Conflict],
        ["invalid_credentials"] = [HttpStatusCode.Unauthorized],
        ["unauthorized"] = [HttpStatusCode.Unauthorized],
        ["rate_limited"] = [HttpStatusCode.TooManyRequests],
        ["not_found"] = [HttpStatusCode.NotFound],
        ["forbidden"] = [HttpStatusCode.Forbidden],
        ["not_member"] = [HttpStatusCode.Forbidden],
        ["not_admin"] = [HttpStatusCode.Forbidden],
        ["not_author"] = [HttpStatusCode.Forbidden],
        ["invalid_command"] = [HttpStatusCode.BadRequest],
        ["conversation_exists"] = [HttpStatusCode.Conflict],
        ["already_member"] = [HttpStatusCode.Conflict],
        ["group_full"] = [HttpStatusCode.Conflict],
        ["too_large"] = [HttpStatusCode.RequestEntityTooLarge],
        ["media_not_uploaded"] = [HttpStatusCode.Conflict, HttpStatusCode.NotFound],
        ["upload_mismatch"] = [HttpStatusCode.Conflict],
        ["invalid_signature"] = [HttpStatusCode.Forbidden],
        ["url_expired"] = [HttpStatusCode.Forbidden],
        ["content_type_mismatch"] = [HttpStatusCode.BadRequest],
        ["size_mismatch"] = [HttpStatusCode.BadRequest],
        ["already_uploaded"] = [HttpStatusCode.Conflict],
    };

    /// <summary>Null when the answer is a success or a documented problem; otherwise what is wrong with it.</summary>
    public static string? CheckRest(HttpAnswer answer)
    {
        var status = (int)answer.Status;
        if (status < 400) return null;
        if (status >= 500) return $"server error {status}";
        // §13.2: requests the HTTP server refuses before any endpoint (a NUL in the path, an oversized request line or
        // header) get a bare 400, 414 or 431.
        if (answer.Body.Length == 0 && answer.Status is HttpStatusCode.BadRequest or HttpStatusCode.RequestUriTooLong or HttpStatusCode.RequestHeaderFieldsTooLarge)
            return null;
        if (answer.ContentType != "application/problem+json") return $"{status} without a problem document ({answer.ContentType})";
        var code = answer.Code;
        if (code is null) return $"{status} problem without a code";
        if (!RestCodes.TryGetValue(code, out var statuses)) return $"undocumented code '{code}'";
        return statuses.Contains(answer.Status) ? null : $"code '{code}' with undocumented status {status}";
    }
}
