using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using ChatStreams.Fuzz.Tests.Mutations;
using ChatStreams.Fuzz.Tests.Support;
using Xunit.Abstractions;

namespace ChatStreams.Fuzz.Tests;

/// <summary>
/// Forged, expired, unsigned and corrupted access tokens on REST and on the WebSocket handshake: each is 401
/// unauthorized (a problem document), never a 500, never someone's data. A control token made the same way but
/// valid is accepted, so the refusals come from the flaw under test.
/// </summary>
[Collection(FuzzSystemCollection.Name)]
public sealed class TokenFuzzTests(FuzzSystem system, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_forged_or_broken_token_is_401_on_rest_and_on_the_socket()
    {
        var alice = await FuzzAccount.RegisterAsync(system, "alice");
        var bob = await FuzzAccount.RegisterAsync(system, "bob");
        var forgery = new TokenForgery(system.TokenKey);

        // The control: a token made here with the real key works, on REST and on the socket.
        var control = forgery.Valid(alice.UserId);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(control, "/api/users/me")).Status);
        Assert.Equal(HttpStatusCode.SwitchingProtocols, await HandshakeAsync(control, query: false));

        var failures = new List<string>();
        var variants = forgery.Refused(alice.UserId, bob.UserId).ToList();
        var random = FuzzSettings.For("tokens");
        for (var i = 0; i < FuzzSettings.Iterations; i++)
            variants.Add(forgery.Corrupt(random.Next(2) == 0 ? alice.Token : control, random) with { Name = "corrupted " + FuzzSettings.Describe(i) });

        var index = 0;
        foreach (var variant in variants)
        {
            foreach (var path in new[] { "/api/users/me", "/api/conversations", "/api/contacts" })
            {
                var answer = await CallAsync(variant.Token, path);
                if (answer.Status != HttpStatusCode.Unauthorized || answer.Code != "unauthorized")
                {
                    // A corruption that decodes to the same token (base64 padding) is still that token: accepted is right.
                    if (answer.Status == HttpStatusCode.OK && SameSignedToken(variant.Token, alice.Token, control)) continue;
                    failures.Add($"{variant.Name} on {path}: {answer} (token {variant.Token})");
                }
            }
            // Handshakes are dearer; every named attack and every fifth corruption.
            if (index++ < 17 || index % 5 == 0)
            {
                foreach (var query in new[] { false, true })
                {
                    var status = await HandshakeAsync(variant.Token, query);
                    if (status != HttpStatusCode.Unauthorized && !(status == HttpStatusCode.SwitchingProtocols && SameSignedToken(variant.Token, alice.Token, control)))
                        failures.Add($"{variant.Name} on /ws ({(query ? "query" : "header")}): {(int)status}");
                }
            }
        }
        output.WriteLine($"{variants.Count} token variants × 3 REST paths and the handshake, seed {FuzzSettings.Seed}: {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
        await system.AssertNothingCrashedAsync();
    }

    [Fact]
    public async Task A_validly_signed_token_without_a_user_is_401_not_500()
    {
        var forgery = new TokenForgery(system.TokenKey);
        foreach (var sub in new[] { "" })
        {
            var token = forgery.Valid(sub);
            foreach (var path in new[] { "/api/users/me", "/api/conversations", "/api/contacts", "/api/search?q=x" })
            {
                var answer = await CallAsync(token, path);
                Assert.True(answer.Status == HttpStatusCode.Unauthorized && answer.Code == "unauthorized", $"{path}: {answer}");
            }
            Assert.Equal(HttpStatusCode.Unauthorized, await HandshakeAsync(token, query: false));
        }
    }

    [Fact]
    public async Task Authorization_header_variants_are_401()
    {
        var alice = await FuzzAccount.RegisterAsync(system, "alice");
        foreach (var header in new[] { "Basic " + alice.Token, "Bearer", "Bearer  ", "Token " + alice.Token, "Bearer " + alice.Token + " " + alice.Token, alice.Token })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, system.GatewayUrl + "/api/conversations");
            request.Headers.TryAddWithoutValidation("Authorization", header);
            var answer = await HttpAnswer.SendAsync(system.Http, request);
            Assert.True(answer.Status == HttpStatusCode.Unauthorized && answer.Code == "unauthorized", $"'{header[..Math.Min(20, header.Length)]}…': {answer}");
        }
        // The query token is for /ws only: REST ignores it.
        var query = await HttpAnswer.SendAsync(system.Http, new HttpRequestMessage(HttpMethod.Get, system.GatewayUrl + "/api/conversations?access_token=" + alice.Token));
        Assert.Equal(HttpStatusCode.Unauthorized, query.Status);
    }

    /// <summary>
    /// True when a corruption left the token's meaning intact: the same header and claims text and a signature that
    /// decodes to the same bytes (base64url's unused low bits of the last character, or '=' padding).
    /// </summary>
    private static bool SameSignedToken(string candidate, params string[] tokens)
    {
        var parts = candidate.Split('.');
        if (parts.Length != 3) return false;
        return tokens.Select(t => t.Split('.')).Any(t => t[0] == parts[0] && t[1] == parts[1] && Decode(parts[2]) is { } given && given.SequenceEqual(Decode(t[2])!));
    }

    private static byte[]? Decode(string base64Url)
    {
        try { return Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(base64Url.TrimEnd('=')); }
        catch (FormatException) { return null; }
    }

    private async Task<HttpAnswer> CallAsync(string token, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, system.GatewayUrl + path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        return await HttpAnswer.SendAsync(system.Http, request);
    }

    private async Task<HttpStatusCode> HandshakeAsync(string token, bool query)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var url = system.GatewayUrl.Replace("http://", "ws://") + "/ws";
        if (query) url += "?access_token=" + Uri.EscapeDataString(token);
        else socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        try
        {
            await socket.ConnectAsync(new Uri(url), CancellationToken.None);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            return HttpStatusCode.SwitchingProtocols;
        }
        catch (WebSocketException)
        {
            return socket.HttpStatusCode;
        }
        catch (ArgumentException)
        {
            // The client refuses to put some corruptions (control characters) in a header at all: nothing was sent.
            return HttpStatusCode.Unauthorized;
        }
    }
}
