namespace ChatStreams.Media.Catalog;

/// <summary>The media records (SQLite file on one machine, MongoDB for a cluster); every edge reads and writes the same catalog.</summary>
public interface IMediaCatalog
{
    /// <summary>Creates the schema or indexes when missing; safe to call from several processes. Other calls run it on first use.</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>Stores a new record; its id is fresh, so an existing id is a bug and throws.</summary>
    Task AddAsync(MediaRecord record, CancellationToken ct);

    /// <summary>The record, or null when no media has this id.</summary>
    Task<MediaRecord?> FindAsync(string mediaId, CancellationToken ct);

    /// <summary>Notes that the bytes are in the store; the first time wins. False when no media has this id.</summary>
    Task<bool> MarkUploadedAsync(string mediaId, DateTimeOffset uploadedAt, CancellationToken ct);
}
