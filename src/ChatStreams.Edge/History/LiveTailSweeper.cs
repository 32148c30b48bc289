using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Edge.History;

/// <summary>Runs the <see cref="LiveTailWatch"/>'s due checks once a second.</summary>
public sealed class LiveTailSweeper(LiveTailWatch watch, ILogger<LiveTailSweeper> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!watch.Enabled) return;
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await watch.SweepAsync(Environment.TickCount64, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // The history store was unreachable, say: the checks that were due are lost, later ones run again.
                logger.LogWarning(e, "Checking sockets for a missed live tail failed; trying again in {Interval}.", Interval);
            }
        }
    }
}
