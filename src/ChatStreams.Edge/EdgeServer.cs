using ChatStreams.Contracts;
using ChatStreams.Edge.Api;
using ChatStreams.Edge.Connections;
using ChatStreams.Edge.History;
using ChatStreams.Edge.Kafka;
using ChatStreams.Edge.Media;
using ChatStreams.Edge.Typing;
using ChatStreams.Identity;
using ChatStreams.Kafka;
using ChatStreams.Media;
using ChatStreams.Sinks;
using ChatStreams.Sinks.History;
using ChatStreams.Sinks.Search;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using StackExchange.Redis;

namespace ChatStreams.Edge;

/// <summary>
/// Builds one edge: the /ws endpoint, the REST API, the Kafka producers and the delivery listener, from standard
/// configuration (Edge__*, Kafka__*, SchemaRegistry__*, Auth__*, Redis__*, Media__*). `chatstreams edge` runs it.
/// </summary>
public static class EdgeServer
{
    /// <param name="customize">Last say over the builder (logging, host lifetime) before the edge is built.</param>
    public static WebApplication Build(IConfiguration configuration, IEnumerable<string> urls, Action<WebApplicationBuilder>? customize = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls([.. urls]);
        AddEdge(builder.Services, builder.Configuration);
        customize?.Invoke(builder);
        var app = builder.Build();
        MapEdge(app);
        return app;
    }

    public static void AddEdge(IServiceCollection services, IConfiguration configuration)
    {
        var edge = new EdgeOptions();
        configuration.GetSection(EdgeOptions.Section).Bind(edge);
        if (edge.Validate() is { Count: > 0 } problems)
            throw new InvalidOperationException("invalid Edge configuration: " + string.Join("; ", problems));
        services.AddOptions<EdgeOptions>().Bind(configuration.GetSection(EdgeOptions.Section));
        services.AddOptions<KafkaOptions>().Bind(configuration.GetSection(KafkaOptions.Section));
        services.Configure<HostOptions>(o => o.ShutdownTimeout = edge.DrainNotice + edge.DrainTimeout + TimeSpan.FromSeconds(5));
        services.AddChatContracts(configuration);
        services.AddChatIdentity(configuration);
        // Answers the framework gives by itself (a query parameter that does not bind, an unknown path, a wrong
        // method) come as problem details with a code too, like every answer of ours.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("code", context.ProblemDetails.Status switch
            {
                StatusCodes.Status401Unauthorized => ApiErrorCodes.Unauthorized,
                StatusCodes.Status403Forbidden => ApiErrorCodes.Forbidden,
                StatusCodes.Status404NotFound => ApiErrorCodes.NotFound,
                StatusCodes.Status429TooManyRequests => ApiErrorCodes.RateLimited,
                >= 500 => "unavailable",
                _ => ApiErrorCodes.InvalidRequest,
            }));
        services.AddSingleton(TimeProvider.System);

        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<UserRateLimits>();
        services.AddSingleton<EdgeMetrics>();
        services.AddSingleton<CommandPublisher>();
        services.AddSingleton<SessionPublisher>();
        AddHistory(services, configuration);
        services.AddChatMedia(configuration);
        services.AddSingleton<MediaAttachments>();
        services.AddSingleton<ClientFrameHandler>();
        services.AddSingleton<ConversationCommands>();
        services.AddSingleton<DeliveryListener>();
        AddTypingBus(services, configuration);
        services.AddPushApi(configuration);

        services.AddHostedService(p => p.GetRequiredService<LiveEventFeed>());
        services.AddHostedService(p => p.GetRequiredService<DeliveryListener>());
        services.AddHostedService<LiveTailSweeper>();
        services.AddHostedService(p => p.GetRequiredService<LateResumes>());
        services.AddHostedService<CommandGenerationStartup>();
        services.AddHostedService<SessionHeartbeats>();
        services.AddHostedService<TypingRelay>();
        services.AddSingleton<EdgeLifecycle>();
        services.AddHostedService(p => p.GetRequiredService<EdgeLifecycle>());
    }

    /// <summary>
    /// Search from the index the search sink writes; history from the store the history sink writes (History__Store: sqlite at History__SqlitePath, or mongo), the
    /// sink's progress (its group's committed offsets, Sinks__GroupIdPrefix) and the live decisions and presence.
    /// </summary>
    private static void AddHistory(IServiceCollection services, IConfiguration configuration)
    {
        var history = new HistoryStoreOptions();
        configuration.GetSection(HistoryStoreOptions.Section).Bind(history);
        services.AddOptions<SinkOptions>().Bind(configuration.GetSection(SinkOptions.Section));
        services.AddSingleton(p => HistoryStores.Open(history, p.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IHistoryReader>(p => p.GetRequiredService<IHistoryStore>());
        services.AddSingleton(p => new SinkProgress(p.GetRequiredService<IOptions<KafkaOptions>>().Value, p.GetRequiredService<IOptions<SinkOptions>>().Value,
            HistorySinkWriter.SinkName, [Topics.ChatEvents, Topics.ChatReceipts], $"{p.GetRequiredService<IOptions<EdgeOptions>>().Value.Id}-history-progress",
            p.GetRequiredService<ILoggerFactory>().CreateLogger<SinkProgress>(), followGenerations: true));
        services.AddSingleton<DecisionWatches>();
        services.AddSingleton<PresenceBoard>();
        services.AddSingleton<LiveEventFeed>();
        services.AddSingleton(p => new LateResumes(p.GetRequiredService<IConversationHistory>(), p.GetRequiredService<ILoggerFactory>().CreateLogger<LateResumes>()));
        services.AddSingleton(p => new LiveTailWatch(p.GetRequiredService<IHistoryReader>(), p.GetRequiredService<IOptions<EdgeOptions>>().Value.LiveTailCheckAfter,
            p.GetRequiredService<ILoggerFactory>().CreateLogger<LiveTailWatch>(), p.GetRequiredService<EdgeMetrics>()));
        // Search reads the index the search sink writes (Search__Store: a Lucene folder at Search__LucenePath, or
        // Elasticsearch); a Lucene reader never takes the sink's write lock.
        var search = new SearchIndexOptions();
        configuration.GetSection(SearchIndexOptions.Section).Bind(search);
        services.AddSingleton(p => SearchIndexes.OpenReader(search, p.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IConversationHistory>(p => new StoreHistory(p.GetRequiredService<IHistoryReader>(), p.GetRequiredService<SinkProgress>(),
            p.GetRequiredService<LiveEventFeed>(), p.GetRequiredService<DecisionWatches>(), p.GetRequiredService<PresenceBoard>()));
    }

    private static void AddTypingBus(IServiceCollection services, IConfiguration configuration)
    {
        var redis = new RedisOptions();
        configuration.GetSection(RedisOptions.Section).Bind(redis);
        if (string.IsNullOrWhiteSpace(redis.Configuration))
        {
            services.AddSingleton<ITypingBus, InProcessTypingBus>();
            return;
        }
        services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(redis.Configuration);
            options.AbortOnConnectFail = false; // typing degrades while Redis is away; the edge keeps serving
            return ConnectionMultiplexer.Connect(options);
        });
        services.AddSingleton<ITypingBus, RedisTypingBus>();
    }

    public static void MapEdge(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ChatStreams.Edge");
        var edge = app.Services.GetRequiredService<IOptions<EdgeOptions>>().Value;
        var typing = app.Services.GetRequiredService<ITypingBus>();
        if (typing is InProcessTypingBus)
            logger.LogWarning("No Redis configured (Redis__Configuration): typing indicators reach only clients of edge {Edge}.", edge.Id);

        app.UseForwardedHeaders(ClientAddresses(edge));
        app.UseStatusCodePages();
        UseWebClient(app);
        app.UseWebSockets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/healthz", (EdgeLifecycle lifecycle) => lifecycle.NotServingReason is { } reason
            ? Results.Text(reason, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ok"));
        // Readiness for Kubernetes (the same answer the gateway's health check reads on /healthz).
        app.MapGet("/readyz", (EdgeLifecycle lifecycle) => lifecycle.NotServingReason is { } reason
            ? Results.Text(reason, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ok"));
        app.MapMetrics(); // Prometheus text of the edge's meter (ChatStreams.Edge) and the .NET runtime's
        app.MapIdentityApi();
        app.MapConversationApi();
        app.MapDirectoryApi();
        app.MapMediaApi();
        app.MapPushApi();
        app.MapChatSocket();
    }

    /// <summary>
    /// The client's address from X-Forwarded-For, only when the request comes from a trusted proxy (loopback, where
    /// `up`'s gateway runs, and Edge:TrustedProxies); the gateway sets that header, so clients cannot choose it.
    /// </summary>
    private static ForwardedHeadersOptions ClientAddresses(EdgeOptions edge)
    {
        var options = new ForwardedHeadersOptions { ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse("127.0.0.0/8"));
        options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse("::1/128"));
        foreach (var network in edge.TrustedProxies) options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        return options;
    }

    /// <summary>
    /// The web client's static files (wwwroot next to the binary, not the working directory: `up` runs edges from
    /// anywhere). `/` answers index.html. No-cache, so a deploy is picked up on the next load without stale scripts.
    /// </summary>
    public const string ServiceWorkerPath = "/js/service-worker.js";

    private static void UseWebClient(WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root)) return;
        var files = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                context.Context.Response.Headers.CacheControl = "no-cache";
                // The service worker is built into js/ with the other scripts but handles pushes for the whole page,
                // so it registers with scope "/": a script may only claim a scope above its folder when allowed so.
                if (context.Context.Request.Path.Equals(ServiceWorkerPath, StringComparison.Ordinal))
                    context.Context.Response.Headers["Service-Worker-Allowed"] = "/";
            },
        });
    }
}
