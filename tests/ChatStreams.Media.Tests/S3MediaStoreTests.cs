using System.Net;
using System.Net.Http.Headers;
using ChatStreams.Media.Catalog;
using ChatStreams.Media.Stores;
using ChatStreams.TestSupport;

namespace ChatStreams.Media.Tests;

/// <summary>The S3 store against a real S3 API (moto_server): presigned URLs used with plain HttpClient, as a client does.</summary>
public sealed class S3MediaStoreTests(MotoServer moto) : IClassFixture<MotoServer>, IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly TempDirectory _folder = new("media-s3", Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools);

    internal static S3MediaOptions Options(MotoServer moto, string bucket) => new()
    {
        ServiceUrl = moto.Url,
        Bucket = bucket,
        AccessKey = MotoServer.AccessKey,
        SecretKey = MotoServer.SecretKey,
        ForcePathStyle = true,
        CreateBucket = true,
    };

    private S3MediaStore Store(string? bucket = null) => new(Options(moto, bucket ?? "media-" + Guid.NewGuid().ToString("N")[..12]));

    private static MediaRecord Record(byte[] bytes, string type = "image/png", string name = "ünïcode cat.png") =>
        new(MediaRecord.NewId(), "alice", "c1", name, type, bytes.Length, DateTimeOffset.UtcNow);

    private static byte[] Png(int size) => [0x89, .. "PNG"u8.ToArray(), .. Enumerable.Range(0, size - 4).Select(i => (byte)(i % 251))];

    private static async Task<HttpResponseMessage> PutAsync(UploadTarget target, byte[] bytes, string? contentType = null)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? target.Headers["Content-Type"]);
        return await Http.PutAsync(target.Url, content);
    }

    [Fact]
    public async Task The_bucket_is_created_once_when_missing()
    {
        using var store = Store();
        await store.EnsureReadyAsync(default);
        await store.EnsureReadyAsync(default);
        using var again = new S3MediaStore(Options(moto, store.Bucket)); // another edge, bucket already there
        await again.EnsureReadyAsync(default);
    }

    [Fact]
    public async Task A_presigned_upload_and_download_round_trip_the_exact_bytes()
    {
        using var store = Store();
        await store.EnsureReadyAsync(default);
        var bytes = Png(300_000);
        var record = Record(bytes);
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);

        var target = await store.UploadTargetAsync(record, expires, default);
        Assert.StartsWith(moto.Url + "/" + store.Bucket + "/media/" + record.MediaId, target.Url.AbsoluteUri); // path style, key prefix
        using (var put = await PutAsync(target, bytes))
            Assert.True(put.IsSuccessStatusCode, $"PUT {(int)put.StatusCode}: {await put.Content.ReadAsStringAsync()}");
        Assert.Equal(new StoredObject(bytes.Length, "image/png"), await store.StatAsync(record, default));

        var download = await store.DownloadUrlAsync(record, expires, default);
        using var get = await Http.GetAsync(download);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", get.Content.Headers.ContentType?.MediaType);
        // S3 answers with these overrides (moto_server ignores them, so the URL is what can be checked here).
        var query = System.Web.HttpUtility.ParseQueryString(download.Query);
        Assert.Equal(MediaContentDisposition.For(record), query["response-content-disposition"]);
        Assert.Equal("image/png", query["response-content-type"]);
    }

    [Fact]
    public async Task The_upload_url_signs_content_type_and_length()
    {
        using var store = Store();
        var record = Record(Png(10));
        var target = await store.UploadTargetAsync(record, DateTimeOffset.UtcNow.AddMinutes(5), default);
        var signed = System.Web.HttpUtility.ParseQueryString(target.Url.Query)["X-Amz-SignedHeaders"]!.Split(';');
        // S3 (and MinIO) answer SignatureDoesNotMatch to a PUT whose signed headers differ from the signed values.
        Assert.Contains("content-type", signed);
        Assert.Contains("content-length", signed);
        Assert.Equal("image/png", target.Headers["Content-Type"]);
    }

    [Fact]
    public async Task An_upload_with_another_content_type_or_size_is_never_confirmed()
    {
        // moto_server does not check SigV4 signatures of presigned URLs (real S3 refuses these PUTs outright), so this
        // proves the second line of defence: the edge checks what the store holds before anyone may use it.
        using var store = Store();
        await store.EnsureReadyAsync(default);
        var catalog = new SqliteMediaCatalog(_folder.Sub("catalog.db"));
        var confirmation = new UploadConfirmation(catalog, store, TimeProvider.System);
        var bytes = Png(1000);
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);

        var wrongType = Record(bytes);
        await catalog.AddAsync(wrongType, default);
        Assert.Equal(UploadStatus.Missing, (await confirmation.ConfirmAsync(wrongType, default)).Status);
        using (await PutAsync(await store.UploadTargetAsync(wrongType, expires, default), bytes, "text/html")) { }
        var state = await confirmation.ConfirmAsync(wrongType, default);
        Assert.Equal(UploadStatus.Mismatch, state.Status);
        Assert.Contains("text/html", state.Problem);
        Assert.Null((await catalog.FindAsync(wrongType.MediaId, default))!.UploadedAt);

        var right = Record(bytes);
        await catalog.AddAsync(right, default);
        using (var put = await PutAsync(await store.UploadTargetAsync(right, expires, default), bytes)) Assert.True(put.IsSuccessStatusCode);
        Assert.Equal(UploadStatus.Uploaded, (await confirmation.ConfirmAsync(right, default)).Status);
        Assert.NotNull((await catalog.FindAsync(right.MediaId, default))!.UploadedAt);
    }

    public void Dispose() => _folder.Dispose();
}
