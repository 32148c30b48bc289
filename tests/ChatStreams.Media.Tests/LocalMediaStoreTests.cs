using ChatStreams.Media.Stores;
using ChatStreams.TestSupport;

namespace ChatStreams.Media.Tests;

public sealed class LocalMediaStoreTests : IDisposable
{
    private readonly TempDirectory _folder = new("media-local");
    private readonly LocalMediaStore _store;

    public LocalMediaStoreTests() => _store = new LocalMediaStore(_folder.Sub("media"), new MediaUrlSigner(new byte[32]));

    private static MediaRecord Record(long size) =>
        new(MediaRecord.NewId(), "alice", "c1", "a.bin", "application/zip", size, DateTimeOffset.UtcNow);

    private static byte[] Bytes(int n) => Enumerable.Range(0, n).Select(i => (byte)(i * 7)).ToArray();

    [Fact]
    public async Task Exactly_the_declared_bytes_are_stored()
    {
        var record = Record(200_000);
        var result = await _store.WriteAsync(record, new MemoryStream(Bytes(200_000)), default);
        Assert.True(result.Stored);
        Assert.Equal(Bytes(200_000), await File.ReadAllBytesAsync(_store.FilePath(record.MediaId)));
        Assert.Equal(new StoredObject(200_000, "application/zip"), await _store.StatAsync(record, default));
        Assert.Empty(Directory.GetFiles(Path.Combine(_store.Root, "uploads"))); // no temporary file is left
    }

    [Theory]
    [InlineData(99)]
    [InlineData(101)]
    [InlineData(100_000)]
    public async Task Fewer_or_more_bytes_store_nothing(int sent)
    {
        var record = Record(100);
        var result = await _store.WriteAsync(record, new MemoryStream(Bytes(sent)), default);
        Assert.False(result.Stored);
        Assert.Null(await _store.StatAsync(record, default));
        Assert.Empty(Directory.GetFiles(Path.Combine(_store.Root, "uploads")));
    }

    [Fact]
    public async Task A_stored_file_is_never_replaced()
    {
        var record = Record(3);
        Assert.True((await _store.WriteAsync(record, new MemoryStream([1, 2, 3]), default)).Stored);
        var second = await _store.WriteAsync(record, new MemoryStream([9, 9, 9]), default);
        Assert.True(second.AlreadyStored);
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(_store.FilePath(record.MediaId)));
    }

    [Fact]
    public async Task Urls_are_relative_signed_and_name_the_declared_content_type()
    {
        var record = Record(3);
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);
        var upload = await _store.UploadTargetAsync(record, expires, default);
        Assert.False(upload.Url.IsAbsoluteUri);
        Assert.StartsWith($"/media/{record.MediaId}?expires={expires.ToUnixTimeSeconds()}&sig=", upload.Url.OriginalString);
        Assert.Equal("application/zip", upload.Headers["Content-Type"]);
        var download = await _store.DownloadUrlAsync(record, expires, default);
        Assert.NotEqual(upload.Url, download); // one URL per method
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("")]
    public void Only_media_ids_become_paths(string id) => Assert.Throws<ArgumentException>(() => _store.FilePath(id));

    public void Dispose() => _folder.Dispose();
}
