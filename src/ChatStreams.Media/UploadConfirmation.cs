using ChatStreams.Media.Catalog;
using ChatStreams.Media.Stores;

namespace ChatStreams.Media;

/// <summary>
/// Decides whether a record's bytes are in the store as declared before they are attached or handed out: a record
/// not yet marked uploaded is looked up in the store (a client uploads to S3 directly, so the edge learns of it only
/// here), and its size and content type must match the record. The first match marks the record uploaded.
/// </summary>
public sealed class UploadConfirmation(IMediaCatalog catalog, IMediaStore store, TimeProvider clock)
{
    public async Task<UploadState> ConfirmAsync(MediaRecord record, CancellationToken ct)
    {
        if (record.UploadedAt is not null) return UploadState.Uploaded;
        var stored = await store.StatAsync(record, ct).ConfigureAwait(false);
        if (stored is null) return UploadState.Missing;
        if (stored.Size != record.Size || !string.Equals(MediaLimits.Normalize(stored.ContentType), record.ContentType, StringComparison.Ordinal))
            return new UploadState(UploadStatus.Mismatch,
                $"the uploaded file is {stored.Size} bytes of type '{stored.ContentType}', not the declared {record.Size} bytes of type '{record.ContentType}'");
        await catalog.MarkUploadedAsync(record.MediaId, clock.GetUtcNow(), ct).ConfigureAwait(false);
        return UploadState.Uploaded;
    }
}

public enum UploadStatus { Uploaded, Missing, Mismatch }

public sealed record UploadState(UploadStatus Status, string? Problem = null)
{
    public static readonly UploadState Uploaded = new(UploadStatus.Uploaded);
    public static readonly UploadState Missing = new(UploadStatus.Missing, "the file has not been uploaded yet: PUT it to the uploadUrl from POST /api/media first");
}
