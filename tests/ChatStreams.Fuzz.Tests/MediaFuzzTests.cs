using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using ChatStreams.Fuzz.Tests.Support;
using Xunit.Abstractions;

namespace ChatStreams.Fuzz.Tests;

/// <summary>
/// The media endpoints under attack: path tricks on /media/{id}, forged, altered and expired URL signatures, uploads
/// of another type or size, declarations breaking the limits. Every answer is documented, no file outside the
/// declared ones appears in the store, no key file is ever served, and the real upload still works afterwards.
/// </summary>
[Collection(FuzzSystemCollection.Name)]
public sealed class MediaFuzzTests(FuzzSystem system, ITestOutputHelper output)
{
    private static readonly string[] PathTricks =
    [
        "../auth/signing.key", "..%2Fauth%2Fsigning.key", "%2e%2e%2fauth%2fmedia.key", "%252e%252e%252fauth%252fsigning.key", "..%5C..%5Cauth%5Csigning.key",
        "{id}%2F..%2F..%2Fauth%2Fsigning.key", "{id}/../../auth/signing.key", "uploads/{id}", "%2Fetc%2Fpasswd", "{id}%00.png", "{ID}", "{id}.", "{id}%20",
        "....//....//auth//signing.key", "%c0%ae%c0%ae/auth/signing.key", "{id}?x=/../../auth/signing.key",
    ];

    [Fact]
    public async Task Media_urls_and_uploads_refuse_every_trick_with_a_documented_answer()
    {
        var alice = await FuzzAccount.RegisterAsync(system, "alice");
        var bob = await FuzzAccount.RegisterAsync(system, "bob");
        var mallory = await FuzzAccount.RegisterAsync(system, "mallory");
        var conversation = await alice.CreateConversationAsync("direct", [bob]);
        var content = Encoding.ASCII.GetBytes("\x89PNG fuzz bytes");
        var declared = await alice.CallAsync(HttpMethod.Post, "/api/media", new { fileName = "a.png", contentType = "image/png", size = content.Length, conversationId = conversation });
        Assert.Equal(HttpStatusCode.Created, declared.Status);
        var mediaId = declared.Json.GetProperty("mediaId").GetString()!;
        var uploadUrl = new Uri(declared.Json.GetProperty("uploadUrl").GetString()!);
        var filesBefore = StoreFiles();

        var random = FuzzSettings.For("media");
        var failures = new List<string>();
        var cases = 0;
        var key = system.MediaKey;
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        for (var i = 0; i < FuzzSettings.Iterations; i++, cases++)
        {
            var method = random.Next(2) == 0 ? HttpMethod.Get : HttpMethod.Put;
            string url;
            byte[]? body = null;
            var type = "image/png";
            string what;
            switch (random.Next(6))
            {
                case 0:
                    var trick = PathTricks[random.Next(PathTricks.Length)].Replace("{id}", mediaId).Replace("{ID}", mediaId.ToUpperInvariant());
                    url = $"/media/{trick}{(trick.Contains('?') ? "&" : "?")}{Signed(key, method.Method, mediaId, now + 600)}";
                    what = "path " + trick;
                    break;
                case 1:
                    var expires = random.Next(4) switch { 0 => now - random.Next(1, 100000), 1 => now + 600, 2 => long.MaxValue, _ => 0 };
                    var signedFor = random.Next(3) switch { 0 => "DELETE", 1 => method.Method == "GET" ? "PUT" : "GET", _ => method.Method };
                    url = $"/media/{mediaId}?{Signed(key, signedFor, mediaId, expires)}";
                    what = $"signed for {signedFor}, expires {expires}";
                    break;
                case 2:
                    var sig = random.Next(4) switch
                    {
                        0 => "", 1 => "!!notbase64!!", 2 => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), _ => new string('A', 5000),
                    };
                    var expiresText = random.Next(3) switch { 0 => "-1", 1 => "1e10", _ => (now + 600).ToString(CultureInfo.InvariantCulture) };
                    url = $"/media/{mediaId}?expires={Uri.EscapeDataString(expiresText)}&sig={Uri.EscapeDataString(sig)}";
                    what = "forged signature";
                    break;
                case 3:
                    method = HttpMethod.Put;
                    url = uploadUrl.PathAndQuery;
                    type = random.Next(2) == 0 ? "text/html" : "image/png";
                    body = new byte[type == "text/html" ? content.Length : random.Next(0, 3) switch { 0 => 0, 1 => content.Length - 1, _ => content.Length + 1000 }];
                    what = $"upload {type} of {body.Length} bytes";
                    break;
                case 4:
                    method = HttpMethod.Post;
                    url = "/api/media";
                    var declaration = random.Next(6) switch
                    {
                        0 => (object)new { fileName = "../../auth/signing.key", contentType = "image/png", size = 10, conversationId = conversation },
                        1 => new { fileName = "x.exe", contentType = "application/x-msdownload", size = 10, conversationId = conversation },
                        2 => new { fileName = "big.png", contentType = "image/png", size = long.MaxValue, conversationId = conversation },
                        3 => new { fileName = "a.png", contentType = "image/png;;;", size = -5, conversationId = conversation },
                        4 => new { fileName = "a.png", contentType = "image/png", size = 1, conversationId = "../" + conversation },
                        _ => new { fileName = new string('n', 5000), contentType = "IMAGE/PNG ; q=1", size = 1, conversationId = conversation },
                    };
                    body = JsonBytes(declaration);
                    type = "application/json";
                    what = "declaration " + Encoding.UTF8.GetString(body)[..Math.Min(120, body.Length)];
                    break;
                default:
                    // Another user asks for a download URL of alice's file: not theirs.
                    var answer = await mallory.CallAsync(HttpMethod.Get, $"/api/media/{mediaId}");
                    if (answer.Status != HttpStatusCode.Forbidden || answer.Code != "not_member") failures.Add($"mallory GET /api/media/{mediaId}: {answer}");
                    continue;
            }
            using var request = new HttpRequestMessage(method, new Uri(system.GatewayUrl + url));
            if (url.StartsWith("/api/", StringComparison.Ordinal)) request.Headers.Authorization = new("Bearer", mallory.Token);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
            var result = await HttpAnswer.SendAsync(system.Http, request);
            if (DocumentedErrors.CheckRest(result) is { } problem) failures.Add($"{what}: {method} {url} {FuzzSettings.Describe(i)} → {problem}: {result}");
            else if ((int)result.Status < 300 && !(what.StartsWith("upload image/png", StringComparison.Ordinal) && body!.Length == content.Length))
                failures.Add($"{what}: {method} {url} {FuzzSettings.Describe(i)} was accepted: {result}");
        }
        output.WriteLine($"{cases} media cases, seed {FuzzSettings.Seed}: {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));

        // Nothing was written by the refused requests; the real upload and download work.
        Assert.Equal(filesBefore, StoreFiles());
        using var upload = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(content) };
        upload.Content.Headers.ContentType = new("image/png");
        Assert.Equal(HttpStatusCode.OK, (await HttpAnswer.SendAsync(system.Http, upload)).Status);
        var download = await system.Http.GetByteArrayAsync(declared.Json.GetProperty("downloadUrl").GetString());
        Assert.Equal(content, download);
        await system.AssertNothingCrashedAsync();
    }

    /// <summary>Files in the local store, relative to it.</summary>
    private List<string> StoreFiles()
    {
        var root = Path.Combine(system.DataDirectory, "media", "uploads");
        return Directory.Exists(root) ? [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order()] : [];
    }

    private static string Signed(byte[] key, string method, string mediaId, long expires)
    {
        var payload = Encoding.UTF8.GetBytes($"{method}\n{mediaId}\n{expires.ToString(CultureInfo.InvariantCulture)}");
        var sig = Convert.ToBase64String(HMACSHA256.HashData(key, payload)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return $"expires={expires.ToString(CultureInfo.InvariantCulture)}&sig={sig}";
    }

    private static byte[] JsonBytes(object value) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value);
}
