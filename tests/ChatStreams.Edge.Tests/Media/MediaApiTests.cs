using System.Text.Json;

namespace ChatStreams.Edge.Tests.Media;

/// <summary>POST /api/media, GET /api/media/{id} and the local store's signed /media URLs, over HTTP.</summary>
public sealed class MediaApiTests
{
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, .. Enumerable.Range(0, 5000).Select(i => (byte)(i * 31))];

    private static object Declaration(long? size = null, string contentType = "image/png", string conversationId = "c1", string fileName = "cat.png") =>
        new { fileName, contentType, size = size ?? Png.Length, conversationId };

    private static string Str(JsonElement e, string name) => e.GetProperty(name).GetString()!;

    [Fact]
    public async Task A_member_uploads_and_members_download_the_exact_bytes()
    {
        await using var server = await MediaApiServer.StartAsync();
        var (status, declared, response) = await server.DeclareAsync("alice", Declaration(contentType: "Image/PNG", fileName: "C:\\photos\\cat.png"));
        Assert.Equal(201, status);
        var mediaId = Str(declared, "mediaId");
        Assert.Equal($"/api/media/{mediaId}", response.Headers.Location?.OriginalString);
        Assert.Equal("PUT", Str(declared, "uploadMethod"));
        Assert.Equal("image/png", declared.GetProperty("uploadHeaders").GetProperty("Content-Type").GetString());
        Assert.StartsWith($"{server.Url}/media/{mediaId}?expires=", Str(declared, "uploadUrl"));
        Assert.Equal(("cat.png", "image/png", Png.Length), (Str(declared, "fileName"), Str(declared, "contentType"), declared.GetProperty("size").GetInt32()));
        Assert.True(declared.GetProperty("expiresAt").GetDateTimeOffset() > server.Clock.GetUtcNow());

        // Before the upload there is nothing to download.
        Assert.Equal((409, "media_not_uploaded"), await CodeAsync(server, HttpMethod.Get, $"/api/media/{mediaId}", "bob"));

        var (putStatus, put, _) = await server.UploadAsync(Str(declared, "uploadUrl"), Png, "image/png");
        Assert.Equal(200, putStatus);
        Assert.Equal(Png.Length, put.GetProperty("size").GetInt32());

        foreach (var member in new[] { "alice", "bob", "carol" }) // carol left the conversation but keeps access to its files
        {
            var (redirect, _, answer) = await server.SendAsync(server.Request(HttpMethod.Get, $"/api/media/{mediaId}", member));
            Assert.Equal(302, redirect);
            Assert.True(answer.Headers.CacheControl is { NoStore: true, Private: true });
            using var file = await server.Http.GetAsync(answer.Headers.Location);
            Assert.Equal(200, (int)file.StatusCode);
            Assert.Equal(Png, await file.Content.ReadAsByteArrayAsync());
            Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
            Assert.Equal("inline", file.Content.Headers.ContentDisposition?.DispositionType);
            Assert.Equal("cat.png", file.Content.Headers.ContentDisposition?.FileNameStar);
            Assert.Contains("nosniff", file.Headers.GetValues("X-Content-Type-Options"));
        }

        var json = server.Request(HttpMethod.Get, $"/api/media/{mediaId}", "bob");
        json.Headers.Accept.ParseAdd("application/json");
        var (jsonStatus, body, _) = await server.SendAsync(json);
        Assert.Equal(200, jsonStatus);
        Assert.StartsWith($"{server.Url}/media/{mediaId}?expires=", Str(body, "downloadUrl"));
        Assert.Equal("cat.png", Str(body, "fileName"));
        // The download URL is bound to its method: it cannot upload.
        Assert.Equal((403, "invalid_signature"), await UploadCodeAsync(server, Str(body, "downloadUrl"), Png, "image/png"));
    }

    [Fact]
    public async Task A_range_of_the_file_can_be_read()
    {
        await using var server = await MediaApiServer.StartAsync();
        var declared = await UploadedAsync(server);
        var request = new HttpRequestMessage(HttpMethod.Get, Str(declared, "downloadUrl"));
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(10, 19);
        using var part = await server.Http.SendAsync(request);
        Assert.Equal(206, (int)part.StatusCode);
        Assert.Equal(Png[10..20], await part.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Nonmembers_can_neither_upload_to_nor_download_from_a_conversation()
    {
        await using var server = await MediaApiServer.StartAsync();
        var (status, refused, _) = await server.DeclareAsync("mallory", Declaration());
        Assert.Equal((403, "not_member"), (status, Str(refused, "code")));
        Assert.Contains("'c1'", Str(refused, "detail"));
        var declared = await UploadedAsync(server);
        Assert.Equal((403, "not_member"), await CodeAsync(server, HttpMethod.Get, $"/api/media/{Str(declared, "mediaId")}", "mallory"));
        Assert.Equal((404, "not_found"), await CodeAsync(server, HttpMethod.Get, $"/api/media/{new string('a', 32)}", "bob"));
        Assert.Equal((404, "not_found"), await CodeAsync(server, HttpMethod.Get, "/api/media/..%2F..%2Fetc", "bob"));
        Assert.Equal(401, (await CodeAsync(server, HttpMethod.Get, $"/api/media/{Str(declared, "mediaId")}", null)).Status);
    }

    [Fact]
    public async Task Size_and_type_limits_name_the_limit()
    {
        await using var server = await MediaApiServer.StartAsync();
        var (status, tooLarge, _) = await server.DeclareAsync("alice", Declaration(size: 25L * 1024 * 1024 + 1));
        Assert.Equal((413, "too_large"), (status, Str(tooLarge, "code")));
        Assert.Contains("25 MiB (26214400 bytes)", Str(tooLarge, "detail"));
        Assert.Equal(201, (await server.DeclareAsync("alice", Declaration(size: 25L * 1024 * 1024))).Status);

        var (typeStatus, badType, _) = await server.DeclareAsync("alice", Declaration(contentType: "text/html"));
        Assert.Equal((400, "invalid_request"), (typeStatus, Str(badType, "code")));
        Assert.Contains("'text/html' are not accepted", badType.GetProperty("errors").GetProperty("contentType")[0].GetString());
        Assert.Contains("image/png", badType.GetProperty("errors").GetProperty("contentType")[0].GetString());

        var (emptyStatus, empty, _) = await server.DeclareAsync("alice", new { });
        Assert.Equal(400, emptyStatus);
        var fields = empty.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["contentType", "conversationId", "fileName", "size"], fields);
        Assert.Equal(400, (await server.DeclareAsync("alice", Declaration(size: 0))).Status);
    }

    [Fact]
    public async Task Configured_limits_apply()
    {
        await using var server = await MediaApiServer.StartAsync(new()
        {
            ["Media:MaxSizeBytes"] = "1024",
            ["Media:AllowedContentTypes:0"] = "text/*",
        });
        var (status, tooLarge, _) = await server.DeclareAsync("alice", Declaration(size: 1025, contentType: "text/plain"));
        Assert.Equal(413, status);
        Assert.Contains("1 KiB (1024 bytes)", Str(tooLarge, "detail"));
        Assert.Equal(201, (await server.DeclareAsync("alice", Declaration(size: 1024, contentType: "text/csv"))).Status);
        Assert.Equal(400, (await server.DeclareAsync("alice", Declaration(size: 10, contentType: "image/png"))).Status);
    }

    [Fact]
    public async Task An_upload_must_be_exactly_what_was_declared()
    {
        await using var server = await MediaApiServer.StartAsync();
        var (_, declared, _) = await server.DeclareAsync("alice", Declaration());
        var url = Str(declared, "uploadUrl");
        Assert.Equal((400, "content_type_mismatch"), await UploadCodeAsync(server, url, Png, "text/html"));
        Assert.Equal((400, "size_mismatch"), await UploadCodeAsync(server, url, Png[..^1], "image/png"));
        Assert.Equal((400, "size_mismatch"), await UploadCodeAsync(server, url, [.. Png, 0], "image/png"));
        // A chunked body carries no length up front: it is counted as it streams.
        var chunked = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StreamContent(new MemoryStream([.. Png, .. Png])) };
        chunked.Content.Headers.ContentType = new("image/png");
        chunked.Headers.TransferEncodingChunked = true;
        var (chunkedStatus, chunkedBody, _) = await server.SendAsync(chunked);
        Assert.Equal((400, "size_mismatch"), (chunkedStatus, Str(chunkedBody, "code")));
        // Nothing was stored by the refused attempts; the right upload works once, then the media is fixed.
        Assert.Equal(200, (await server.UploadAsync(url, Png, "image/png")).Status);
        Assert.Equal((409, "already_uploaded"), await UploadCodeAsync(server, url, Png, "image/png"));
    }

    [Fact]
    public async Task Tampered_and_expired_urls_are_refused()
    {
        await using var server = await MediaApiServer.StartAsync();
        var (_, declared, _) = await server.DeclareAsync("alice", Declaration());
        var url = Str(declared, "uploadUrl");
        var sig = url[(url.IndexOf("sig=", StringComparison.Ordinal) + 4)..];
        var other = (await server.DeclareAsync("alice", Declaration())).Body;
        var otherId = Str(other, "mediaId");

        Assert.Equal((403, "invalid_signature"), await UploadCodeAsync(server, url.Replace(sig, (sig[0] == 'A' ? "B" : "A") + sig[1..]), Png, "image/png"));
        Assert.Equal((403, "invalid_signature"), await UploadCodeAsync(server, url.Replace(Str(declared, "mediaId"), otherId), Png, "image/png"));
        var expires = url[(url.IndexOf("expires=", StringComparison.Ordinal) + 8)..url.IndexOf('&')];
        Assert.Equal((403, "invalid_signature"), await UploadCodeAsync(server, url.Replace(expires, (long.Parse(expires) + 3600).ToString()), Png, "image/png"));
        Assert.Equal((403, "invalid_signature"), await UploadCodeAsync(server, url[..url.IndexOf("&sig=", StringComparison.Ordinal)], Png, "image/png"));

        server.Clock.Advance(TimeSpan.FromMinutes(16)); // the default lifetime is 15 minutes
        var (status, expired, _) = await server.UploadAsync(url, Png, "image/png");
        Assert.Equal((403, "url_expired"), (status, Str(expired, "code")));
        Assert.Contains("POST /api/media", Str(expired, "detail"));
    }

    [Fact]
    public async Task An_expired_download_url_is_replaced_by_a_fresh_one()
    {
        await using var server = await MediaApiServer.StartAsync();
        var declared = await UploadedAsync(server);
        server.TokenOf("bob");
        server.Clock.Advance(TimeSpan.FromHours(1));
        var (status, expired, _) = await server.SendAsync(new HttpRequestMessage(HttpMethod.Get, Str(declared, "downloadUrl")));
        Assert.Equal((403, "url_expired"), (status, Str(expired, "code")));
        Assert.Contains($"GET /api/media/{Str(declared, "mediaId")}", Str(expired, "detail"));
        var (_, _, fresh) = await server.SendAsync(server.Request(HttpMethod.Get, $"/api/media/{Str(declared, "mediaId")}", "bob"));
        using var file = await server.Http.GetAsync(fresh.Headers.Location);
        Assert.Equal(Png, await file.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Urls_point_at_the_origin_the_client_came_through()
    {
        await using var server = await MediaApiServer.StartAsync();
        var request = server.Request(HttpMethod.Post, "/api/media", "alice", Declaration());
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-Host", "chat.example.com");
        var (_, declared, _) = await server.SendAsync(request);
        Assert.StartsWith("https://chat.example.com/media/", Str(declared, "uploadUrl"));
        Assert.StartsWith("https://chat.example.com/media/", Str(declared, "downloadUrl"));
    }

    private static async Task<JsonElement> UploadedAsync(MediaApiServer server)
    {
        var (_, declared, _) = await server.DeclareAsync("alice", Declaration());
        Assert.Equal(200, (await server.UploadAsync(Str(declared, "uploadUrl"), Png, "image/png")).Status);
        return declared;
    }

    private static async Task<(int Status, string? Code)> CodeAsync(MediaApiServer server, HttpMethod method, string path, string? user)
    {
        var (status, body, _) = await server.SendAsync(server.Request(method, path, user));
        return (status, body.ValueKind == JsonValueKind.Object && body.TryGetProperty("code", out var code) ? code.GetString() : null);
    }

    private static async Task<(int Status, string? Code)> UploadCodeAsync(MediaApiServer server, string url, byte[] bytes, string contentType)
    {
        var (status, body, _) = await server.UploadAsync(url, bytes, contentType);
        return (status, body.ValueKind == JsonValueKind.Object && body.TryGetProperty("code", out var code) ? code.GetString() : null);
    }
}
