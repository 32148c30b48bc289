using System.Diagnostics;
using Confluent.Kafka;

namespace ChatStreams.Bench.Measurement;

/// <summary>
/// Collects delivery reports from librdkafka's poll thread: one latency slot per record, the time of the
/// last report, and the first failure (a benchmark whose records did not all arrive measured nothing).
/// </summary>
internal sealed class DeliveryTracker(int expected)
{
    private readonly ManualResetEventSlim _allDelivered = new(expected == 0);
    private int _delivered;
    private long _lastDelivery;
    private Error? _firstError;

    public long[] Latencies { get; } = new long[expected];

    public int DeliveredCount => Volatile.Read(ref _delivered);

    public void Delivered(int slot, long sentTimestamp, Error error)
    {
        var now = Stopwatch.GetTimestamp();
        Latencies[slot] = now - sentTimestamp;
        if (error.IsError) Interlocked.CompareExchange(ref _firstError, error, null);
        if (Interlocked.Increment(ref _delivered) == expected)
        {
            Volatile.Write(ref _lastDelivery, now);
            _allDelivered.Set();
        }
    }

    /// <summary>Waits for every report; returns the timestamp of the last one.</summary>
    public long WaitForAll(TimeSpan timeout)
    {
        if (!_allDelivered.Wait(timeout))
            throw new TimeoutException($"Only {DeliveredCount:N0} of {expected:N0} delivery reports arrived within {timeout.TotalSeconds:N0} s: the broker stalled.");
        if (_firstError is { } error)
            throw new InvalidOperationException($"A record was not delivered ({error.Code}: {error.Reason}); the run is void.");
        return Volatile.Read(ref _lastDelivery);
    }
}
