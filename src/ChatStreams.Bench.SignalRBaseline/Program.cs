using System.Text;
using ChatStreams.Bench.SignalRBaseline;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

// chatstreams-signalr-baseline: a minimal SignalR chat server with a Redis backplane, as a .NET team would build one;
// `chatstreams-bench load` starts two of them on one Redis and drives them like ChatStreams.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
var options = builder.Configuration.GetSection(BaselineOptions.Section).Get<BaselineOptions>() ?? new BaselineOptions();
if (options.Validate() is { Count: > 0 } problems)
{
    foreach (var problem in problems) Console.Error.WriteLine(problem);
    return 2;
}

var redis = await ConnectionMultiplexer.ConnectAsync(options.Redis);
builder.Services.AddSingleton<IConnectionMultiplexer>(redis);
builder.Services.AddSingleton<ChatDirectory>();
builder.Services.AddSingleton(new AccessTokens(Encoding.UTF8.GetBytes(options.TokenKey), options.TokenLifetime, TimeProvider.System));
builder.Services.AddSignalR().AddStackExchangeRedis(options.Redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal("chat"));

var app = builder.Build();
app.UseWebSockets();

app.MapPost("/api/auth/register", async (Credentials body, ChatDirectory directory, AccessTokens tokens) =>
{
    if (string.IsNullOrWhiteSpace(body.Username) || string.IsNullOrEmpty(body.Password) || body.Password.Length < 8)
        return Results.Problem("username and a password of at least 8 characters are required", statusCode: 400);
    return await directory.RegisterAsync(body.Username, body.Password) is { } userId
        ? Results.Created($"/api/users/{userId}", new { userId, token = tokens.Issue(userId) })
        : Results.Problem($"the username '{body.Username}' is taken", statusCode: 409);
});

app.MapPost("/api/auth/login", async (Credentials body, ChatDirectory directory, AccessTokens tokens) =>
    await directory.LoginAsync(body.Username ?? "", body.Password ?? "") is { } userId
        ? Results.Ok(new { userId, token = tokens.Issue(userId) })
        : Results.Problem("wrong username or password", statusCode: 401));

app.MapPost("/api/conversations", async (HttpRequest request, NewConversation body, ChatDirectory directory, AccessTokens tokens) =>
{
    var header = request.Headers.Authorization.ToString();
    if (tokens.Validate(header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : null) is not { } creator)
        return Results.Problem("a valid bearer token is required", statusCode: 401);
    var members = (body.Members ?? []).Append(creator).Distinct().ToList();
    foreach (var member in members)
        if (!await directory.UserExistsAsync(member)) return Results.Problem($"no user '{member}'", statusCode: 400);
    return Results.Created("/api/conversations", new { conversationId = await directory.CreateConversationAsync(members) });
});

app.MapHub<ChatHub>("/chat");
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"baseline listening on {string.Join(", ", app.Urls)}"));
await app.RunAsync();
return 0;

internal sealed record Credentials(string? Username, string? Password);

internal sealed record NewConversation(string? Kind, string[]? Members);
