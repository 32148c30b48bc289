using System.Text.Json;
using ChatStreams.TestSupport;

namespace ChatStreams.Edge.Tests.Media;

/// <summary>The media REST API with Media:Store=s3 against a real S3 API (moto_server): the edge hands out presigned URLs and checks what S3 holds.</summary>
public sealed class MediaApiS3Tests(MotoServer moto) : IClassFixture<MotoServer>
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, .. Enumerable.Range(0, 9000).Select(i => (byte)(i * 17))];

    private Task<MediaApiServer> StartAsync(string bucket) => MediaApiServer.StartAsync(new()
    {
        ["Media:Store"] = "s3",
        ["Media:S3:ServiceUrl"] = moto.Url,
        ["Media:S3:Bucket"] = bucket,
        ["Media:S3:AccessKey"] = MotoServer.AccessKey,
        ["Media:S3:SecretKey"] = MotoServer.SecretKey,
        ["Media:S3:ForcePathStyle"] = "true",
    });

    private static string Str(JsonElement e, string name) => e.GetProperty(name).GetString()!;

    [Fact]
    public async Task Uploads_go_to_the_bucket_and_members_are_redirected_to_a_presigned_download()
    {
        var bucket = "edge-media-" + Guid.NewGuid().ToString("N")[..8];
        await using var server = await StartAsync(bucket);
        var (status, declared, _) = await server.DeclareAsync("alice", new { fileName = "beach.jpg", contentType = "image/jpeg", size = Jpeg.Length, conversationId = "c1" });
        Assert.Equal(201, status);
        var mediaId = Str(declared, "mediaId");
        Assert.StartsWith($"{moto.Url}/{bucket}/media/{mediaId}?", Str(declared, "uploadUrl"));
        Assert.Equal((409, "media_not_uploaded"), await CodeAsync(server, $"/api/media/{mediaId}", "bob"));

        Assert.Equal(200, (await server.UploadAsync(Str(declared, "uploadUrl"), Jpeg, "image/jpeg")).Status);
        var (redirect, _, answer) = await server.SendAsync(server.Request(HttpMethod.Get, $"/api/media/{mediaId}", "bob"));
        Assert.Equal(302, redirect);
        Assert.StartsWith($"{moto.Url}/{bucket}/media/{mediaId}?", answer.Headers.Location!.AbsoluteUri);
        using var file = await server.Http.GetAsync(answer.Headers.Location);
        Assert.Equal(Jpeg, await file.Content.ReadAsByteArrayAsync());
        Assert.Equal((403, "not_member"), await CodeAsync(server, $"/api/media/{mediaId}", "mallory"));
        // The local store's endpoints are not there: with S3, clients never upload through the edge.
        Assert.True((await server.UploadAsync($"{server.Url}/media/{mediaId}?expires=1&sig=x", Jpeg, "image/jpeg")).Status is 404 or 405);
    }

    [Fact]
    public async Task An_object_that_is_not_what_was_declared_is_never_handed_out()
    {
        await using var server = await StartAsync("edge-media-" + Guid.NewGuid().ToString("N")[..8]);
        var (_, declared, _) = await server.DeclareAsync("alice", new { fileName = "beach.jpg", contentType = "image/jpeg", size = Jpeg.Length, conversationId = "c1" });
        // Real S3 refuses this PUT (the content type is signed); moto_server does not check, so the edge must.
        await server.UploadAsync(Str(declared, "uploadUrl"), Jpeg, "text/html");
        var (status, problem, _) = await server.SendAsync(server.Request(HttpMethod.Get, $"/api/media/{Str(declared, "mediaId")}", "bob"));
        Assert.Equal((409, "upload_mismatch"), (status, Str(problem, "code")));
        Assert.Contains("text/html", Str(problem, "detail"));
    }

    private static async Task<(int Status, string? Code)> CodeAsync(MediaApiServer server, string path, string user)
    {
        var (status, body, _) = await server.SendAsync(server.Request(HttpMethod.Get, path, user));
        return (status, body.ValueKind == JsonValueKind.Object && body.TryGetProperty("code", out var code) ? code.GetString() : null);
    }
}
