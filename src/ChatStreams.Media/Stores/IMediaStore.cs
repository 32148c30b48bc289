namespace ChatStreams.Media.Stores;

/// <summary>
/// Where the bytes of media live. Clients never send bytes through the REST API: they get a short-lived URL to PUT
/// them to and URLs to GET them from (presigned by S3, or signed by the edge for the local store).
/// </summary>
public interface IMediaStore
{
    /// <summary>Creates what the store needs (a bucket, a folder) when missing; other calls run it on first use too.</summary>
    Task EnsureReadyAsync(CancellationToken ct);

    /// <summary>A URL that accepts exactly this record's bytes (its size and content type) with PUT until <paramref name="expires"/>.</summary>
    /// <remarks>A relative URL (local store) is relative to the edge's own origin.</remarks>
    Task<UploadTarget> UploadTargetAsync(MediaRecord record, DateTimeOffset expires, CancellationToken ct);

    /// <summary>A URL that serves the bytes, with the record's content type and file name, until <paramref name="expires"/>.</summary>
    Task<Uri> DownloadUrlAsync(MediaRecord record, DateTimeOffset expires, CancellationToken ct);

    /// <summary>What the store holds for the record: its size and content type, or null when nothing was uploaded.</summary>
    Task<StoredObject?> StatAsync(MediaRecord record, CancellationToken ct);
}

/// <summary>Where and how to upload: the method is always PUT; <see cref="Headers"/> must be sent as given (they are signed).</summary>
public sealed record UploadTarget(Uri Url, IReadOnlyDictionary<string, string> Headers)
{
    public const string Method = "PUT";
}

public sealed record StoredObject(long Size, string? ContentType);
