using System.Globalization;
using ChatStreams.Contracts.Hosting;
using ChatStreams.Contracts;
using ChatStreams.Host.Supervision;
using ChatStreams.Kafka;
using ChatStreams.Kafka.Broker;
using ChatStreams.Kafka.Broker.Server;
using ChatStreams.SchemaRegistry;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace ChatStreams.Host;

/// <summary>
/// The one-machine system `up` runs: the embedded broker and schema registry in this process (they carry
/// the state), the topics and schemas the system needs, and every other component as a supervised child
/// process started from this same binary. Serves /healthz, /readyz, /metrics and /status on the front port.
/// </summary>
public sealed class LocalSystem : IAsyncDisposable
{
    /// <summary>Niceness of the components that may lag behind the message path (search and analytics sinks).</summary>
    private const int BackgroundNiceness = 10;

    /// <param name="GatewayPort">Port of the gateway, the system's public URL (0 = any free port).</param>
    /// <param name="FrontPort">Port of /healthz and /status of `up` itself (0 = any free port).</param>
    /// <param name="EdgeCount">Edges to run behind the gateway.</param>
    /// <param name="ExternalKafka">Bootstrap servers of a Kafka to use instead of starting the embedded broker (e.g. a
    /// `chatstreams broker` run on its own, which a fault campaign kills and restarts); null runs the broker in this process.</param>
    public sealed record Settings(string DataDirectory, BrokerOptions Broker, int RegistryPort, int FrontPort, IConfiguration Configuration,
        int GatewayPort = 0, int EdgeCount = 2, string? ExternalKafka = null);

    private readonly ILogger _logger;
    private KafkaBroker? _broker;
    private SchemaRegistryServer? _registry;
    private WebApplication? _front;
    private ProcessSupervisor? _supervisor;
    private readonly Dictionary<string, string> _operations = [];

    private LocalSystem(ILogger logger) => _logger = logger;

    /// <summary>The embedded broker; null when the system uses an external Kafka (<see cref="Settings.ExternalKafka"/>).</summary>
    public KafkaBroker? Broker => _broker;
    public string KafkaBootstrap { get; private set; } = "";
    public string RegistryUrl => _registry?.Url ?? throw new InvalidOperationException("not started");
    public string FrontUrl { get; private set; } = "";
    /// <summary>The public URL: the gateway in front of the edges.</summary>
    public string GatewayUrl { get; private set; } = "";
    public IReadOnlyList<string> EdgeUrls { get; private set; } = [];
    public string? RedisAddress { get; private set; }
    public ProcessSupervisor Supervisor => _supervisor ?? throw new InvalidOperationException("not started");

    public static async Task<LocalSystem> StartAsync(Settings settings, ILoggerFactory loggers, CancellationToken ct)
    {
        var system = new LocalSystem(loggers.CreateLogger<LocalSystem>());
        try
        {
            await system.StartCoreAsync(settings, loggers, ct);
            return system;
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync(Settings settings, ILoggerFactory loggers, CancellationToken ct)
    {
        Directory.CreateDirectory(settings.DataDirectory);
        if (settings.ExternalKafka is { Length: > 0 } external) KafkaBootstrap = external;
        else
        {
            _broker = await KafkaBroker.StartAsync(settings.Broker, loggers);
            KafkaBootstrap = _broker.BootstrapServers;
        }

        _registry = await SchemaRegistryServer.StartAsync(new SchemaRegistryOptions
        {
            Port = settings.RegistryPort,
            DataDirectory = Path.Combine(settings.DataDirectory, "registry"),
        }, loggers, ct);
        var schemas = await SchemaFolder.RegisterAllAsync(_registry, SchemasDirectory());
        _logger.LogInformation("registered {Count} schemas", schemas.Count);

        var kafka = new KafkaOptions { BootstrapServers = KafkaBootstrap };
        settings.Configuration.GetSection(KafkaOptions.Section).Bind(kafka);
        kafka.BootstrapServers = KafkaBootstrap;
        var topics = new TopicSettings();
        settings.Configuration.GetSection(TopicSettings.SectionName).Bind(topics);
        using (var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka, "host")).Build())
        {
            var provisioner = new TopicProvisioner(admin, loggers.CreateLogger<TopicProvisioner>());
            // A data directory made with other partition counts (an older default) keeps them unless configured.
            var kept = topics.KeepExistingPartitions(provisioner.ExistingPartitions(),
                key => settings.Configuration[$"{TopicSettings.SectionName}:{key}:Partitions"] is not null);
            if (kept.Count > 0) _logger.LogInformation("keeping the partition counts the topics were created with: {Topics}", string.Join(", ", kept));
            if (topics.Validate() is { Count: > 0 } problems)
                throw new InvalidOperationException("invalid Topics configuration: " + string.Join("; ", problems));
            await provisioner.EnsureAsync(topics.FixedSpecs(), ct);
        }

        var restarts = new RestartPolicy();
        settings.Configuration.GetSection(RestartPolicy.Section).Bind(restarts);
        if (restarts.Validate() is { Count: > 0 } restartProblems)
            throw new InvalidOperationException("invalid Supervision configuration: " + string.Join("; ", restartProblems));
        _supervisor = new ProcessSupervisor(loggers, TimeProvider.System, restarts);
        // Components run as child processes of this binary, as a cluster deploys them; each gets the embedded
        // endpoints through the standard configuration keys. Edges, gateway and sinks are added as they land.
        var endpoints = new Dictionary<string, string>
        {
            ["Kafka__BootstrapServers"] = KafkaBootstrap,
            ["SchemaRegistry__Url"] = _registry.Url,
        };
        // Every component creates or joins topics (repartition topics by the sessions' count, delivery topics) with the
        // counts the topics were provisioned with above.
        foreach (var (key, value) in topics.PartitionEnvironment()) endpoints[key] = value;
        _supervisor.Start(new ChildSpec("topologies", ["topology", "all"], new Dictionary<string, string>(Operations("topologies", endpoints))
        {
            ["Streams__StateDirectory"] = Path.Combine(settings.DataDirectory, "streams"),
        }));
        // The stores the sinks write and the edges read: files in the data directory (SQLite history, a Lucene index).
        var stores = new Dictionary<string, string>
        {
            ["History__Store"] = "sqlite",
            ["History__SqlitePath"] = Path.Combine(settings.DataDirectory, "history.db"),
            ["Search__Store"] = "lucene",
            ["Search__LucenePath"] = Path.Combine(settings.DataDirectory, "search"),
            // Push subscriptions and mutes (edges write, the sender reads) and the VAPID key pair both hand out and sign with.
            ["Notifications__SqlitePath"] = Path.Combine(settings.DataDirectory, "notifications", "preferences.db"),
            ["Notifications__VapidKeyFile"] = Path.Combine(settings.DataDirectory, "notifications", "vapid.json"),
        };
        foreach (var (key, value) in stores) endpoints[key] = value;
        _supervisor.Start(new ChildSpec("sink-history", ["sink", "history"], new Dictionary<string, string>(Operations("sink-history", endpoints))
        {
            // Edges wait for the history sink before reads (read your writes): a short linger keeps that wait short.
            ["Sinks__BatchLinger"] = "00:00:00.050",
        }));
        // Search and analytics may lag a little; on a machine that runs everything they yield the cores to the message
        // path (nice 10) and catch up on idle cycles. History stays at normal priority: resume and reads wait for it.
        _supervisor.Start(new ChildSpec("sink-search", ["sink", "search"], Operations("sink-search", endpoints)) { Niceness = BackgroundNiceness });
        // One analytics sink per DuckDB file (DuckDB lets one process open it); it serves read-only SQL on loopback and
        // leaves the address beside the file, where `chatctl analytics` finds it.
        _supervisor.Start(new ChildSpec("sink-analytics", ["sink", "analytics"], new Dictionary<string, string>(Operations("sink-analytics", endpoints))
        {
            ["Analytics__Store"] = "duckdb",
            ["Analytics__DuckDbPath"] = AnalyticsDatabase(settings.DataDirectory),
        }) { Niceness = BackgroundNiceness });
        // The push sender; its webhook stays off unless Notifications__WebhookUrl is in the environment of `up`.
        _supervisor.Start(new ChildSpec("notifications", ["notifications"], new Dictionary<string, string>(Operations("notifications", endpoints))
        {
            ["Notifications__LedgerPath"] = Path.Combine(settings.DataDirectory, "notifications", "sent.db"),
        }));
        StartEdgesAndGateway(settings, endpoints);
        StartFront(settings.FrontPort);
    }

    /// <summary>
    /// Two (or more) edges sharing the users database, token signing key and media (catalog, files, URL key) in the data directory, Redis for typing
    /// between them when redis-server is installed, and the gateway on the public port.
    /// </summary>
    private void StartEdgesAndGateway(Settings settings, Dictionary<string, string> endpoints)
    {
        var edgeEnvironment = new Dictionary<string, string>(endpoints)
        {
            ["Auth__SigningKeyFile"] = Path.Combine(settings.DataDirectory, "auth", "signing.key"),
            ["Auth__UsersDatabase"] = Path.Combine(settings.DataDirectory, "auth", "users.db"),
            // Media: one catalog, one folder and one URL key for all edges, since an upload URL one edge signs is
            // used at whichever edge the gateway picks.
            ["Media__Store"] = "local",
            ["Media__Catalog"] = "sqlite",
            ["Media__CatalogPath"] = Path.Combine(settings.DataDirectory, "media", "catalog.db"),
            ["Media__LocalPath"] = Path.Combine(settings.DataDirectory, "media"),
            ["Media__SigningKeyFile"] = Path.Combine(settings.DataDirectory, "auth", "media.key"),
        };
        if (LocalRedis.Find() is { } redisServer)
        {
            var redisPort = FreePort.Pick();
            var redisDirectory = Path.Combine(settings.DataDirectory, "redis");
            Directory.CreateDirectory(redisDirectory);
            _supervisor!.Start(new ChildSpec("redis", LocalRedis.Arguments(redisPort, redisDirectory)) { Executable = redisServer });
            RedisAddress = $"127.0.0.1:{redisPort}";
            edgeEnvironment["Redis__Configuration"] = RedisAddress;
        }
        else _logger.LogWarning("redis-server is not installed: typing indicators will not cross between edges (apt-get install redis-server)");

        var edgeUrls = new List<string>();
        var gatewayEnvironment = new Dictionary<string, string>();
        for (var i = 0; i < settings.EdgeCount; i++)
        {
            var port = FreePort.Pick();
            _supervisor!.Start(new ChildSpec($"edge-{i}", ["edge", "--id", $"edge-{i}", "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture)],
                new Dictionary<string, string>(edgeEnvironment)));
            edgeUrls.Add($"http://127.0.0.1:{port}");
            gatewayEnvironment[$"Gateway__Edges__{i}"] = edgeUrls[^1];
        }
        EdgeUrls = edgeUrls;
        var gatewayPort = settings.GatewayPort == 0 ? FreePort.Pick() : settings.GatewayPort;
        gatewayEnvironment["Gateway__HealthCheckInterval"] = "00:00:02";
        _supervisor!.Start(new ChildSpec("gateway", ["gateway", "--host", "127.0.0.1", "--port", gatewayPort.ToString(CultureInfo.InvariantCulture)], Operations("gateway", gatewayEnvironment)));
        GatewayUrl = $"http://127.0.0.1:{gatewayPort}";
    }

    /// <summary>
    /// A copy of <paramref name="environment"/> with an operations port (/healthz, /readyz, /metrics) on loopback for
    /// a component without an HTTP port of its own; /status lists it. Edges serve the three on their own port.
    /// </summary>
    private Dictionary<string, string> Operations(string component, Dictionary<string, string> environment)
    {
        var port = FreePort.Pick();
        _operations[component] = $"http://127.0.0.1:{port}";
        return new Dictionary<string, string>(environment)
        {
            ["Observability__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Observability__Host"] = "127.0.0.1",
        };
    }

    /// <summary>The DuckDB file of the one-machine system's analytics (chatctl analytics reads it through the sink).</summary>
    public static string AnalyticsDatabase(string dataDirectory) => Path.GetFullPath(Path.Combine(dataDirectory, "analytics.duckdb"));

    private void StartFront(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, HostedByProcessLifetime>();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _front = builder.Build();
        _front.MapGet("/healthz", () => Results.Text("ok"));
        // Ready when every supervised component runs; the broker and registry in this process run once `up` printed its line.
        _front.MapGet("/readyz", () => Supervisor.Children.Where(c => c.ProcessId is null).Select(c => c.Name).ToList() is { Count: > 0 } down
            ? Results.Text($"not running: {string.Join(", ", down)}", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ok"));
        _front.MapMetrics();
        _front.MapGet("/status", () => Results.Json(new
        {
            kafka = KafkaBootstrap,
            registry = RegistryUrl,
            gateway = GatewayUrl,
            edges = EdgeUrls,
            redis = RedisAddress,
            topics = Broker?.Catalog.Topics.Where(t => !t.IsInternal).Select(t => new { t.Name, partitions = t.Partitions.Count }),
            components = Supervisor.Children.Select(c => new
            {
                c.Name, pid = c.ProcessId, restarts = c.Restarts,
                // Where the component's /healthz, /readyz and /metrics are (edges: their own URL).
                operations = _operations.GetValueOrDefault(c.Name)
                    ?? (c.Name.StartsWith("edge-", StringComparison.Ordinal) && int.TryParse(c.Name["edge-".Length..], out var i) && i < EdgeUrls.Count ? EdgeUrls[i] : null),
            }),
        }));
        _front.StartAsync().GetAwaiter().GetResult();
        FrontUrl = _front.Urls.First();
    }

    /// <summary>schemas/ is copied beside the binary at build time.</summary>
    private static string SchemasDirectory()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "schemas");
        if (Directory.Exists(beside)) return beside;
        throw new InvalidOperationException($"schemas folder not found at {beside}: build src/ChatStreams.Host again");
    }

    public async ValueTask DisposeAsync()
    {
        if (_supervisor is not null) await _supervisor.DisposeAsync();
        if (_front is not null) await _front.DisposeAsync();
        if (_registry is not null) await _registry.DisposeAsync();
        if (_broker is not null) await _broker.DisposeAsync();
    }
}
