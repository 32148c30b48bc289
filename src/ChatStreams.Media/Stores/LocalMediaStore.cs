using System.Globalization;

namespace ChatStreams.Media.Stores;

/// <summary>
/// The embedded store: files under one folder (shared by the edges of a machine), uploaded and downloaded through the
/// edge at <c>/media/{id}?expires=&amp;sig=</c> URLs that <see cref="MediaUrlSigner"/> signs.
/// </summary>
public sealed class LocalMediaStore(string root, MediaUrlSigner signer) : IMediaStore
{
    public const string PathPrefix = "/media/";

    public string Root { get; } = Path.GetFullPath(root);

    public MediaUrlSigner Signer { get; } = signer;

    public Task EnsureReadyAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(Root, "uploads"));
        return Task.CompletedTask;
    }

    public Task<UploadTarget> UploadTargetAsync(MediaRecord record, DateTimeOffset expires, CancellationToken ct) =>
        Task.FromResult(new UploadTarget(SignedUrl("PUT", record.MediaId, expires),
            new Dictionary<string, string> { ["Content-Type"] = record.ContentType }));

    public Task<Uri> DownloadUrlAsync(MediaRecord record, DateTimeOffset expires, CancellationToken ct) =>
        Task.FromResult(SignedUrl("GET", record.MediaId, expires));

    public Task<StoredObject?> StatAsync(MediaRecord record, CancellationToken ct)
    {
        var file = new FileInfo(FilePath(record.MediaId));
        // The upload endpoint only ever stores the declared content type, so the record's is the file's.
        return Task.FromResult(file.Exists ? new StoredObject(file.Length, record.ContentType) : null);
    }

    /// <summary>Where a media id's file lives: a fan-out folder of the id's first two hex digits keeps folders small.</summary>
    public string FilePath(string mediaId)
    {
        if (!MediaRecord.IsValidId(mediaId)) throw new ArgumentException($"'{mediaId}' is not a media id", nameof(mediaId));
        return Path.Combine(Root, mediaId[..2], mediaId);
    }

    /// <summary>
    /// Stores exactly <see cref="MediaRecord.Size"/> bytes from <paramref name="body"/>: streamed to a temporary file,
    /// flushed to disk, then renamed into place in one step, so a reader never sees a partial file and a crash leaves
    /// only a temporary file. More or fewer bytes store nothing.
    /// </summary>
    public async Task<LocalUploadResult> WriteAsync(MediaRecord record, Stream body, CancellationToken ct)
    {
        await EnsureReadyAsync(ct).ConfigureAwait(false);
        var target = FilePath(record.MediaId);
        var temporary = Path.Combine(Root, "uploads", $"{record.MediaId}.{Guid.NewGuid():N}.tmp");
        long written = 0;
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    written += read;
                    if (written > record.Size) return new LocalUploadResult(false, written);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                }
                if (written != record.Size) return new LocalUploadResult(false, written);
                await file.FlushAsync(ct).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                // Media never changes once stored: of two racing uploads the first stays.
                File.Move(temporary, target, overwrite: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                return new LocalUploadResult(false, written, AlreadyStored: true);
            }
            return new LocalUploadResult(true, written);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private Uri SignedUrl(string method, string mediaId, DateTimeOffset expires)
    {
        var at = expires.ToUnixTimeSeconds();
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"{PathPrefix}{mediaId}?expires={at}&sig={Signer.Sign(method, mediaId, at)}"), UriKind.Relative);
    }
}

/// <summary>Whether an upload was stored, and how many bytes came (more than declared stops counting at the first excess chunk).</summary>
public sealed record LocalUploadResult(bool Stored, long BytesReceived, bool AlreadyStored = false);
