using System.Net.WebSockets;
using ChatStreams.Edge.Connections;
using ChatStreams.Edge.History;
using ChatStreams.Edge.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge;

/// <summary>
/// Readiness and graceful drain. The edge serves once its history has caught up and its delivery listener holds a
/// position. On shutdown it first reports unhealthy (the gateway's health check stops routing here), then tells every
/// client to reconnect elsewhere and waits for the sockets to close, so no client is cut off without a reason.
/// </summary>
public sealed class EdgeLifecycle(
    ConnectionRegistry connections,
    IConversationHistory history,
    DeliveryListener deliveries,
    IOptions<EdgeOptions> options,
    ILogger<EdgeLifecycle> logger) : IHostedLifecycleService
{
    private volatile bool _draining;

    public bool IsDraining => _draining;

    public bool IsReady => !_draining && history.IsReady && deliveries.IsReady;

    /// <summary>What keeps the edge from serving, for /healthz and 503 answers; null when it serves.</summary>
    public string? NotServingReason =>
        _draining ? "the edge is shutting down; reconnect through the gateway"
        : !history.IsReady ? "the edge is starting (following chat.events and presence); retry in a moment"
        : !deliveries.IsReady ? "the edge is starting (joining its delivery topic); retry in a moment"
        : null;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before any component stops (the web server included), while sockets can still be told why.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var open = connections.Count;
        logger.LogInformation("Draining edge {Edge}: {Count} connections.", options.Value.Id, open);
        if (open == 0) return;
        try
        {
            await Task.Delay(options.Value.DrainNotice, cancellationToken);
            foreach (var connection in connections.All)
                connection.RequestClose(CloseReasons.EdgeDraining, "this edge is shutting down; reconnect and resume", WebSocketCloseStatus.EndpointUnavailable);
            var deadline = DateTime.UtcNow + options.Value.DrainTimeout;
            while (connections.Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(50, cancellationToken);
        }
        catch (OperationCanceledException) { }
        logger.LogInformation("Edge {Edge} drained; {Count} connections were still open.", options.Value.Id, connections.Count);
    }
}
