namespace ChatStreams.Bench.Edge;

/// <summary>
/// When each message of each sender is due. Every sender sends at the same fixed rate; their slots are staggered
/// evenly over one interval so the system sees a steady stream rather than all senders at once. A late send does
/// not shift the ones after it (a fixed schedule, not a fixed pause).
/// </summary>
public sealed record SendSchedule(long Start, double Rate, int Senders, long TicksPerSecond)
{
    /// <summary>Timestamp at which message <paramref name="message"/> (from 0) of sender <paramref name="sender"/> (from 0) is due.</summary>
    public long Due(int sender, int message) =>
        Start + (long)((message + (double)sender / Senders) * TicksPerSecond / Rate);
}
