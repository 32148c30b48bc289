using System.Net;
using System.Net.Http.Json;
using ChatStreams.Fuzz.Tests.Support;

namespace ChatStreams.Fuzz.Tests;

/// <summary>
/// Password spraying through the gateway: failed logins over many usernames from one client are limited per client
/// address, and a client cannot escape by sending its own X-Forwarded-For (the gateway sets that header).
/// </summary>
[Collection(FuzzSystemCollection.Name)]
public sealed class LoginThrottleTests(FuzzSystem system)
{
    [Fact]
    public async Task Failed_logins_over_many_usernames_are_limited_per_client_whatever_x_forwarded_for_it_sends()
    {
        var random = FuzzSettings.For("login-spray");
        HttpResponseMessage? limited = null;
        // 30 per address per edge (Auth:LoginAttemptsPerMinutePerAddress); the gateway spreads requests over two edges.
        for (var i = 0; i < 100 && limited is null; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, system.GatewayUrl + "/api/auth/login")
            {
                Content = JsonContent.Create(new { username = $"spray{i}-{Guid.NewGuid().ToString("N")[..6]}", password = "Winter2026!" }),
            };
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", $"203.0.113.{random.Next(1, 255)}");
            var response = await system.Http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
            else Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.NotNull(limited);
        var body = await limited.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal("rate_limited", body.GetProperty("code").GetString());
        Assert.InRange(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
    }
}
