using ChatStreams.Edge.Media;
using ChatStreams.Media;
using ChatStreams.Media.Catalog;
using ChatStreams.Media.Stores;
using ChatStreams.TestSupport;

namespace ChatStreams.Edge.Tests.Support;

/// <summary>The media catalog (SQLite) and local store of an edge, in a temp folder, and the attachment resolver over them.</summary>
internal sealed class TestMedia : IDisposable
{
    private readonly TempDirectory _folder = new("edge-media", Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools);

    public TestMedia()
    {
        Catalog = new SqliteMediaCatalog(_folder.Sub("catalog.db"));
        Store = new LocalMediaStore(_folder.Sub("media"), new MediaUrlSigner(new byte[32]));
        Attachments = new MediaAttachments(Catalog, new UploadConfirmation(Catalog, Store, TimeProvider.System));
    }

    public SqliteMediaCatalog Catalog { get; }
    public LocalMediaStore Store { get; }
    public MediaAttachments Attachments { get; }

    /// <summary>A record in the catalog; with <paramref name="uploaded"/> its bytes are in the store too.</summary>
    public async Task<MediaRecord> AddAsync(string owner, string conversationId, bool uploaded = true, string contentType = "image/png", int size = 16)
    {
        var record = new MediaRecord(MediaRecord.NewId(), owner, conversationId, "photo.png", contentType, size, DateTimeOffset.UtcNow);
        await Catalog.AddAsync(record, default);
        if (uploaded) Assert.True((await Store.WriteAsync(record, new MemoryStream(new byte[size]), default)).Stored);
        return record;
    }

    public void Dispose() => _folder.Dispose();
}
