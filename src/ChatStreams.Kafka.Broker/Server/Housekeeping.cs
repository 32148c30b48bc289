using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Transactions;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Server;

/// <summary>Background duties: transaction timeouts (often) and log retention/compaction (every retention interval).</summary>
internal sealed class Housekeeping(TopicCatalog catalog, TransactionCoordinator transactions, BrokerOptions options, TimeProvider time, ILogger logger)
    : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public void Start() => _loop = RunAsync(_stop.Token);

    private async Task RunAsync(CancellationToken ct)
    {
        var lastRetention = time.GetTimestamp();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.HousekeepingIntervalMs), time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                try
                {
                    await transactions.AbortTimedOutAsync();
                    if (time.GetElapsedTime(lastRetention) >= TimeSpan.FromMilliseconds(options.RetentionCheckIntervalMs))
                    {
                        lastRetention = time.GetTimestamp();
                        foreach (var topic in catalog.Topics)
                        foreach (var p in topic.Partitions)
                        {
                            if (topic.LogConfig.Compacts) p.Log.Compact();
                            p.EnforceRetention();
                        }
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "housekeeping failed; retrying at the next interval");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
    }
}
