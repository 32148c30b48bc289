using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Server;

/// <summary>What the broker does with one request under <see cref="RequestFaultOptions"/>.</summary>
internal enum RequestFault { None, DropBefore, DropAfter, Delay }

/// <summary>
/// Rolls the fault dice per request and counts what it injected. Every injected fault is logged at warning level
/// with the word "injected", so a campaign can count them in the broker's log as well as in <see cref="Injected"/>.
/// </summary>
internal sealed class RequestFaults(RequestFaultOptions options, ILogger logger)
{
    private readonly Lock _diceLock = new();

    /// <summary>
    /// Made when faults are first rolled, from the seed set by then: a test (or campaign) may switch faults on after the
    /// broker started, and its seed must still pick the dice.
    /// </summary>
    private Random? _dice;
    private long _dropBefore, _dropAfter, _delays;

    public bool Enabled => options.Enabled;
    public TimeSpan Delay => TimeSpan.FromMilliseconds(options.DelayMs);

    public (long DropBefore, long DropAfter, long Delays) Injected =>
        (Interlocked.Read(ref _dropBefore), Interlocked.Read(ref _dropAfter), Interlocked.Read(ref _delays));

    public RequestFault Roll(string connectionId)
    {
        if (!options.Enabled) return RequestFault.None;
        double roll;
        lock (_diceLock)
        {
            _dice ??= options.Seed == 0 ? new Random() : new Random(options.Seed);
            roll = _dice.NextDouble();
        }
        var fault = roll < options.DropBeforeRate ? RequestFault.DropBefore
            : roll < options.DropBeforeRate + options.DropAfterRate ? RequestFault.DropAfter
            : roll < options.DropBeforeRate + options.DropAfterRate + options.DelayRate ? RequestFault.Delay
            : RequestFault.None;
        switch (fault)
        {
            case RequestFault.DropBefore: Interlocked.Increment(ref _dropBefore); break;
            case RequestFault.DropAfter: Interlocked.Increment(ref _dropAfter); break;
            case RequestFault.Delay: Interlocked.Increment(ref _delays); break;
        }
        if (fault != RequestFault.None) logger.LogWarning("fault injected: {Fault} on {Connection}", fault, connectionId);
        return fault;
    }
}
