using Microsoft.Extensions.Logging;

namespace ChatStreams.Notifications.Delivery;

/// <summary>
/// Repeats an attempt that failed for a passing reason, with exponential back-off (Notifications:RetryBackoff doubling
/// to RetryBackoffMax), waiting what a Retry-After answer asks (capped at RetryBackoffMax, so one push service cannot
/// hold the sender for hours), up to Notifications:MaxAttempts; then the delivery is given up on.
/// </summary>
public sealed class DeliveryRetry(NotificationOptions options, TimeProvider time, ILogger logger)
{
    public async Task<AttemptResult> RunAsync(string target, Func<CancellationToken, Task<AttemptResult>> attempt, CancellationToken ct)
    {
        var backoff = options.RetryBackoff;
        for (var n = 1; ; n++)
        {
            var result = await attempt(ct);
            if (result.Outcome != AttemptOutcome.Retry) return result;
            if (n >= options.MaxAttempts)
            {
                logger.LogWarning("Gave up on {Target} after {Attempts} attempts: {Reason}.", target, n, result.Reason);
                return result;
            }
            var pause = result.RetryAfter is { } asked ? Min(Max(asked, TimeSpan.Zero), options.RetryBackoffMax) : backoff;
            logger.LogInformation("Attempt {Attempt} at {Target} failed ({Reason}); trying again in {Pause} ms.", n, target, result.Reason, pause.TotalMilliseconds);
            await Task.Delay(pause, time, ct);
            backoff = Min(backoff * 2, options.RetryBackoffMax);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
