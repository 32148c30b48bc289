using ChatStreams.Host.Commands;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Prometheus;

namespace ChatStreams.Host.Observability;

/// <summary>
/// What every `chatstreams` process runs beside its work: the trace exporter (spans of the ChatStreams.* sources, whose
/// context travels in Kafka headers) and, when Observability__Port is set, the operations port: /healthz (the process
/// runs), /readyz (it does its job: 503 with the reason until then) and /metrics (Prometheus text of every .NET meter:
/// the streams runtime's consumer lag and commit latency, the sinks' writes, the runtime's own).
/// </summary>
public sealed class ProcessObservability : IAsyncDisposable
{
    private readonly TracerProvider? _tracing;
    private readonly WebApplication? _endpoint;

    private ProcessObservability(TracerProvider? tracing, WebApplication? endpoint)
    {
        _tracing = tracing;
        _endpoint = endpoint;
    }

    /// <summary>The operations endpoint's URL, when it runs.</summary>
    public string? Url => _endpoint?.Urls.FirstOrDefault();

    /// <param name="role">service.name unless Observability__ServiceName says otherwise.</param>
    /// <param name="notReadyReason">Null when the process does its job; otherwise why not, for /readyz.</param>
    public static async Task<ProcessObservability> StartAsync(IConfiguration configuration, string role, Func<string?> notReadyReason)
    {
        var options = HostConfiguration.Bind<ObservabilityOptions>(configuration, ObservabilityOptions.Section);
        if (options.Validate() is { Count: > 0 } problems) throw new InvalidOperationException(string.Join(" ", problems));
        var tracing = StartTracing(options, role);
        if (options.Port == 0) return new ProcessObservability(tracing, null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, HostedByProcessLifetime>();
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () => notReadyReason() is { } reason ? Results.Text(reason, statusCode: StatusCodes.Status503ServiceUnavailable) : Results.Text("ok"));
        app.MapMetrics();
        try
        {
            await app.StartAsync();
        }
        catch (IOException e)
        {
            tracing?.Dispose();
            await app.DisposeAsync();
            throw new InvalidOperationException($"the operations port {options.Port} is taken ({e.Message}); set Observability__Port to a free port or 0.", e);
        }
        return new ProcessObservability(tracing, app);
    }

    /// <summary>Null (no listener: spans cost nothing) unless an exporter is configured.</summary>
    private static TracerProvider? StartTracing(ObservabilityOptions options, string role)
    {
        if (!options.TracingEnabled) return null;
        var builder = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(options.ServiceName ?? role))
            .AddSource("ChatStreams.*")
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SampleRatio)));
        builder.AddOtlpExporter(o =>
        {
            o.Endpoint = new Uri(options.OtlpEndpoint!);
            o.Protocol = options.OtlpProtocol == "http/protobuf" ? OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf : OpenTelemetry.Exporter.OtlpExportProtocol.Grpc;
            o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 1000;
        });
        return builder.Build();
    }

    public async ValueTask DisposeAsync()
    {
        _tracing?.ForceFlush(5_000);
        _tracing?.Dispose();
        if (_endpoint is not null) await _endpoint.DisposeAsync();
    }
}
