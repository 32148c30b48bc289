using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace ChatStreams.Gateway;

/// <summary>
/// Builds the gateway: a Kestrel server that proxies REST, WebSockets and static files to the edges and serves
/// its own /gateway/healthz and /gateway/status. The caller starts it (StartAsync, or RunAsync with a cancellation
/// token), stops and disposes it: the gateway does not react to SIGINT/SIGTERM itself, the owning process does.
/// </summary>
public static class GatewayServer
{
    public const string HealthPath = "/gateway/healthz";
    public const string StatusPath = "/gateway/status";

    /// <summary>The edges' metrics path, which the gateway does not forward.</summary>
    public const string EdgeMetricsPath = "/metrics";

    /// <summary>Builds the gateway from the "Gateway" section of <paramref name="configuration"/>.</summary>
    /// <exception cref="OptionsValidationException">The configuration is unusable; the message says what to change.</exception>
    public static WebApplication Build(IConfiguration configuration, IEnumerable<string> urls, ILoggerFactory? loggers = null) =>
        Build(GatewayOptions.FromConfiguration(configuration), urls, loggers);

    /// <summary>Builds the gateway.</summary>
    /// <param name="urls">Where to listen, e.g. http://0.0.0.0:8080; port 0 picks a free port (see <see cref="WebApplication.Urls"/> after start).</param>
    /// <param name="loggers">Where logs go (the gateway filters out YARP's per-request noise first); null logs to the console.</param>
    /// <param name="kubernetesClient">
    /// How to reach the Kubernetes API when discovery is enabled; null uses <see cref="KubernetesDiscoveryOptions.KubeConfigPath"/>
    /// or the pod's service account.
    /// </param>
    /// <exception cref="OptionsValidationException">The options are unusable; the message says what to change.</exception>
    public static WebApplication Build(GatewayOptions options, IEnumerable<string> urls, ILoggerFactory? loggers = null,
        KubernetesClientConfiguration? kubernetesClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(urls);
        var errors = options.Validate();
        if (errors.Count > 0) throw new OptionsValidationException(GatewayOptions.Section, typeof(GatewayOptions), errors);
        var listenUrls = urls.ToArray();
        if (listenUrls.Length == 0)
            throw new ArgumentException("The gateway needs at least one URL to listen on, e.g. http://0.0.0.0:8080.", nameof(urls));
        var kubernetes = options.Kubernetes.Enabled ? kubernetesClient ?? KubernetesConnection.Configure(options.Kubernetes) : null;

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(GatewayServer).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().UseUrls(listenUrls).ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        ConfigureLogging(builder, loggers);

        var services = builder.Services;
        services.AddRouting();
        services.AddSingleton(options);
        services.AddSingleton<EdgeProxyConfigProvider>();
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<EdgeProxyConfigProvider>());
        services.AddReverseProxy();
        // YARP keeps an edge out for at least the failure-rate window; matching the two makes the reactivation period what it says.
        services.Configure<TransportFailureRateHealthPolicyOptions>(o => o.DetectionWindowSize = options.PassiveReactivationPeriod);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        services.AddSingleton<IHostLifetime, CallerOwnedLifetime>();
        if (kubernetes is not null)
        {
            services.AddSingleton<IKubernetes>(_ => new Kubernetes(kubernetes));
            services.AddHostedService<KubernetesEdgeDiscovery>();
        }

        var app = builder.Build();
        app.MapGet(HealthPath, () => Results.Text("ok"));
        app.MapGet(StatusPath, (IProxyStateLookup proxyState) => Results.Json(GatewayStatus.Capture(proxyState)));
        // The edges' Prometheus text is for scrapers that reach each edge directly, not for the internet (security review).
        app.Map(EdgeMetricsPath, () => Results.Problem(EdgeErrorResponses.NotExposed(EdgeMetricsPath)));
        app.MapReverseProxy(pipeline =>
        {
            // Error responses wrap everything so they describe the final outcome; failover wraps load balancing so a
            // retry picks among the edges not yet tried; passive health sees every attempt, failed ones included.
            pipeline.UseMiddleware<EdgeErrorResponses>();
            pipeline.UseMiddleware<EdgeFailover>();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });
        return app;
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, ILoggerFactory? loggers)
    {
        if (loggers is not null) builder.Logging.AddProvider(new ForwardingLoggerProvider(loggers));
        else
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            });
        // YARP logs every proxied request at Information, and every failed probe and every request that found no
        // edge as a warning with a stack trace; a gateway keeps forwarding failures, edge health changes and lifecycle.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp.ReverseProxy.Health", LogLevel.Information);
        builder.Logging.AddFilter("Yarp.ReverseProxy.Health.ActiveHealthCheckMonitor", LogLevel.Error);
        builder.Logging.AddFilter("Yarp.ReverseProxy.LoadBalancing", LogLevel.Error);
        builder.Logging.AddFilter("Yarp.ReverseProxy.Forwarder.ForwarderMiddleware", LogLevel.Error);
    }

    /// <summary>Hands log entries to the caller's factory, which stays the caller's to configure and dispose.</summary>
    private sealed class ForwardingLoggerProvider(ILoggerFactory loggers) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => loggers.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
