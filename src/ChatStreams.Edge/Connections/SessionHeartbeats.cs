using ChatStreams.Edge.Kafka;
using chatstreams.v1;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge.Connections;

/// <summary>
/// Publishes a heartbeat for every open socket each interval. The sessions table and presence treat a connection
/// silent for the inactivity gap as gone, which is how a crashed edge's clients go offline.
/// </summary>
public sealed class SessionHeartbeats(ConnectionRegistry connections, SessionPublisher sessions, IOptions<EdgeOptions> options, ILogger<SessionHeartbeats> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var beats = connections.All
                    .Select(c => sessions.PublishAsync(c.UserId, c.DeviceId, c.ConnectionId, SessionEventKind.Heartbeat, ct: stoppingToken))
                    .ToList();
                try { await Task.WhenAll(beats); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning("Some heartbeats were not published: {Reason}", e.Message);
                }
            }
        }
        catch (OperationCanceledException) { }
    }
}
