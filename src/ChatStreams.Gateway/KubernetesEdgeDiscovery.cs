using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Gateway;

/// <summary>
/// Keeps the gateway's edges in step with the EndpointSlices of the edge service: lists them, then watches for
/// changes; when the watch ends it lists again (this also repairs anything a broken watch missed). If the API
/// server is unreachable the last known edges stay in place — routing to slightly stale edges beats routing to none.
/// </summary>
public sealed class KubernetesEdgeDiscovery : BackgroundService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    private readonly IKubernetes _client;
    private readonly KubernetesDiscoveryOptions _options;
    private readonly EdgeProxyConfigProvider _edges;
    private readonly ILogger<KubernetesEdgeDiscovery> _logger;
    private readonly string _namespace;
    private readonly string _labelSelector;

    public KubernetesEdgeDiscovery(IKubernetes client, GatewayOptions options, EdgeProxyConfigProvider edges, ILogger<KubernetesEdgeDiscovery> logger)
    {
        _client = client;
        _options = options.Kubernetes;
        _edges = edges;
        _logger = logger;
        _namespace = _options.ResolveNamespace();
        _labelSelector = $"kubernetes.io/service-name={_options.Service}";
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _logger.LogInformation("Discovering edges from EndpointSlices of service {Service} in namespace {Namespace} (port {Port})",
            _options.Service, _namespace, _options.PortName);
        var retryDelay = FirstRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            V1EndpointSliceList list;
            try
            {
                list = await _client.DiscoveryV1.ListNamespacedEndpointSliceAsync(_namespace, labelSelector: _labelSelector, cancellationToken: stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Listing EndpointSlices of service {Service} in namespace {Namespace} failed; keeping the {Count} known edges and retrying in {Delay}",
                    _options.Service, _namespace, _edges.CurrentEdges.Count, retryDelay);
                if (!await Pause(retryDelay, stoppingToken)) return;
                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, _options.ResyncInterval.Ticks));
                continue;
            }
            retryDelay = FirstRetryDelay;

            var slices = (list.Items ?? []).Where(s => s.Metadata?.Name is not null).ToDictionary(s => s.Metadata.Name, StringComparer.Ordinal);
            Publish(slices);

            var watchStarted = Stopwatch.GetTimestamp();
            var watchedCleanly = await Watch(slices, list.Metadata?.ResourceVersion, stoppingToken);
            // A watch the server ends at once would otherwise turn this loop into a stream of list requests.
            var pause = !watchedCleanly ? _options.ResyncInterval
                : Stopwatch.GetElapsedTime(watchStarted) < FirstRetryDelay ? FirstRetryDelay
                : TimeSpan.Zero;
            if (pause > TimeSpan.Zero && !await Pause(pause, stoppingToken)) return;
        }
    }

    /// <summary>Applies watch events until the watch ends; false when it failed (the caller waits before relisting).</summary>
    private async Task<bool> Watch(Dictionary<string, V1EndpointSlice> slices, string? resourceVersion, CancellationToken stoppingToken)
    {
        Exception? watchError = null;
        try
        {
            var events = _client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(
                _namespace,
                labelSelector: _labelSelector,
                resourceVersion: resourceVersion,
                timeoutSeconds: (int)Math.Max(1, Math.Ceiling(_options.ResyncInterval.TotalSeconds)),
                onError: ex => watchError ??= ex,
                cancellationToken: stoppingToken);

            await foreach (var (type, slice) in events)
            {
                var name = slice?.Metadata?.Name;
                if (name is null) continue;
                switch (type)
                {
                    case WatchEventType.Added:
                    case WatchEventType.Modified:
                        slices[name] = slice!;
                        break;
                    case WatchEventType.Deleted:
                        slices.Remove(name);
                        break;
                    default:
                        continue;
                }
                Publish(slices);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return true;
        }
        catch (Exception ex)
        {
            watchError ??= ex;
        }

        if (watchError is null) return true;
        // An expired resource version (410 Gone) is routine: the list that follows catches up.
        if (watchError is k8s.Autorest.HttpOperationException { Response.StatusCode: System.Net.HttpStatusCode.Gone }
            || watchError is KubernetesException { Status.Code: 410 })
            return true;
        _logger.LogWarning(watchError, "Watching EndpointSlices of service {Service} in namespace {Namespace} failed; relisting every {Interval} until it works again",
            _options.Service, _namespace, _options.ResyncInterval);
        return false;
    }

    private void Publish(Dictionary<string, V1EndpointSlice> slices)
    {
        var edges = EndpointSliceEdges.Select(slices.Values, _options,
            (slice, reason) => _logger.LogWarning("EndpointSlice {Slice} is ignored: {Reason}", slice, reason));
        _edges.ReplaceDiscoveredEdges(edges);
    }

    private static async Task<bool> Pause(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
