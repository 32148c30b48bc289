namespace ChatStreams.Streams.Tests.Runtime.Support;

/// <summary>Waits for a condition that becomes true asynchronously (with a generous limit; not a timing assertion).</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>Completes when <paramref name="streams"/> reaches <paramref name="state"/>; fails fast on Error.</summary>
    public static Task StateAsync(KafkaStreams streams, KafkaStreamsState state, TimeSpan timeout) =>
        TrueAsync(() =>
        {
            if (streams.State == KafkaStreamsState.Error && state != KafkaStreamsState.Error)
                throw new InvalidOperationException($"the application failed: {streams.FatalError}");
            return streams.State == state;
        }, timeout, $"state {state}");
}
