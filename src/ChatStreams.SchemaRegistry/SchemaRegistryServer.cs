using System.Net;
using ChatStreams.SchemaRegistry.Avro;
using ChatStreams.SchemaRegistry.Compatibility;
using ChatStreams.SchemaRegistry.Http;
using ChatStreams.SchemaRegistry.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.SchemaRegistry;

/// <summary>
/// An in-process schema registry speaking the Confluent Schema Registry REST API (the subset the Confluent
/// .NET client and operators use), so Confluent's Avro serdes work unchanged against it.
/// </summary>
public sealed class SchemaRegistryServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly SchemaStore store;
    private readonly ILogger logger;
    private int disposed;

    private SchemaRegistryServer(WebApplication app, SchemaStore store, string url, ILogger logger)
    {
        this.app = app;
        this.store = store;
        this.logger = logger;
        Url = url;
    }

    /// <summary>Base URL for clients, e.g. http://127.0.0.1:40123 (give it to SchemaRegistryConfig.Url).</summary>
    public string Url { get; }

    public static async Task<SchemaRegistryServer> StartAsync(SchemaRegistryOptions options, ILoggerFactory? loggerFactory = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<SchemaRegistryServer>();

        var address = ListenAddress(options);
        if (!CompatibilityLevels.TryParse(options.DefaultCompatibility, out var defaultLevel))
        {
            throw new ArgumentException(
                $"SchemaRegistry:DefaultCompatibility '{options.DefaultCompatibility}' is not a compatibility level; use one of {CompatibilityLevels.ValidNames}.",
                nameof(options));
        }

        var file = string.IsNullOrWhiteSpace(options.DataDirectory) ? null : new RegistryFile(options.DataDirectory);
        var store = new SchemaStore(defaultLevel, file, loggerFactory.CreateLogger<SchemaStore>());

        // The empty builder reads no appsettings or ASPNETCORE_* variables: the host's own settings must not
        // change where this embedded server listens.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(SchemaRegistryServer).Assembly.GetName().Name });
        builder.Services.AddLogging();
        builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        builder.Services.AddRoutingCore();
        builder.Services.Replace(ServiceDescriptor.Singleton<IHostLifetime, EmbeddedLifetime>());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, options.Port);
        });

        var app = builder.Build();
        app.UseRegistryErrors(logger);
        app.MapGet("/", context => RegistryResponses.Json(context, new System.Text.Json.Nodes.JsonObject()));
        SubjectRoutes.Map(app, store);
        SchemaRoutes.Map(app, store);
        ConfigRoutes.Map(app, store);
        CompatibilityRoutes.Map(app, store);

        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new IOException(
                $"The schema registry could not listen on {address}:{options.Port} ({e.Message}). " +
                "Choose another SchemaRegistry:Port, or 0 to take any free port.", e);
        }

        var url = ClientUrl(app, address);
        logger.LogInformation(
            "Schema registry listening on {Url} ({Storage}; default compatibility {Level}; {Count} schemas loaded)",
            url, file is null ? "in memory" : $"data file {file.Path}", defaultLevel.ToWireName(), store.SchemaCount);
        return new SchemaRegistryServer(app, store, url, logger);
    }

    /// <summary>
    /// Registers a schema under a subject in-process (same rules as POST /subjects/{subject}/versions) and returns its global id.
    /// Throws <see cref="RegistryRejectedException"/> when the schema is invalid (42201) or breaks the subject's compatibility level (409).
    /// </summary>
    public Task<int> RegisterAsync(string subject, string schemaJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        return Task.FromResult(store.Register(subject, ParsedSchema.Parse(schemaJson)).Id);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        await app.StopAsync();
        await app.DisposeAsync();
        logger.LogInformation("Schema registry at {Url} stopped", Url);
    }

    private static IPAddress ListenAddress(SchemaRegistryOptions options)
    {
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentException($"SchemaRegistry:Port {options.Port} is not a TCP port; use 0-65535 (0 picks a free port).", nameof(options));
        }

        if (string.Equals(options.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(options.Host, out var address)
            ? address
            : throw new ArgumentException($"SchemaRegistry:Host '{options.Host}' must be an IP address (e.g. 127.0.0.1) or 'localhost'.", nameof(options));
    }

    private static string ClientUrl(WebApplication app, IPAddress address)
    {
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel started but reported no listening address.");
        var port = new Uri(bound).Port;

        // Clients on this machine cannot connect to the wildcard address itself; give them loopback.
        var host = address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : address;
        var hostText = host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host.ToString();
        return $"http://{hostText}:{port}";
    }
}
