namespace ChatStreams.Edge.Media;

/// <summary>The <c>code</c> of media answers beyond the shared ones (invalid_request, not_member, not_found); docs/protocol.md lists them.</summary>
public static class MediaErrorCodes
{
    /// <summary>POST /api/media: the declared size is above Media:MaxSizeBytes (413).</summary>
    public const string TooLarge = "too_large";
    /// <summary>The media's bytes are not in the store yet (409), or not as declared (409 upload_mismatch).</summary>
    public const string NotUploaded = "media_not_uploaded";
    public const string UploadMismatch = "upload_mismatch";
    /// <summary>A signed /media URL whose signature does not match (tampered, or for another file or method) (403).</summary>
    public const string InvalidSignature = "invalid_signature";
    /// <summary>A signed /media URL past its expiry (403): ask GET /api/media/{id} for a fresh one.</summary>
    public const string UrlExpired = "url_expired";
    /// <summary>An upload whose body is not exactly the declared size (400).</summary>
    public const string SizeMismatch = "size_mismatch";
    /// <summary>An upload whose Content-Type is not the declared one (400).</summary>
    public const string ContentTypeMismatch = "content_type_mismatch";
    /// <summary>A second upload to the same media id (409): media never changes once uploaded.</summary>
    public const string AlreadyUploaded = "already_uploaded";
}
