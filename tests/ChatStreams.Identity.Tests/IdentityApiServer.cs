using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Identity.Tests;

/// <summary>A real Kestrel on 127.0.0.1 with the identity API, a stand-in /ws endpoint and a few probes.</summary>
public sealed class IdentityApiServer : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private WebApplication? _app;

    public string SigningKey { get; } = TestOptions.NewKey();

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = _folder.Path });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = SigningKey,
            ["Auth:UsersDatabase"] = _folder.File("db", "users.db"),
            // Cheap hashes keep the HTTP tests fast; the hashing tests use the real defaults.
            ["Auth:Argon2MemoryKiB"] = "1024",
            ["Auth:Argon2Iterations"] = "1",
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddChatIdentity(builder.Configuration);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapIdentityApi();
        app.MapGet("/ws", (HttpContext context) => AccessTokens.UserId(context.User)).RequireAuthorization();
        app.MapGet("/api/probe", (HttpContext context) => AccessTokens.UserId(context.User)).RequireAuthorization();
        app.MapGet("/api/admin-only", () => "secret").RequireAuthorization(policy => policy.RequireClaim("role", "admin"));
        await app.StartAsync();
        _app = app;

        Client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _folder.Dispose();
    }

    public async Task<JsonElement> RegisterAsync(string username, string password = "long-enough-pw", string? displayName = null)
    {
        using var response = await Client.PostAsJsonAsync("/api/auth/register", new { username, password, displayName });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await Client.SendAsync(request);
    }
}
