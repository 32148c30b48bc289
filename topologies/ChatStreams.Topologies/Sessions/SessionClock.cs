using ChatStreams.Streams.Processor;

namespace ChatStreams.Topologies.Sessions;

/// <summary>
/// The "now" against which a connection's silence is judged. Wall-clock time alone is wrong when the topology lags
/// behind chat.sessions (after a restart restored its stores, a broker outage, an overloaded machine): every heartbeat
/// it has read yet is older than the inactivity gap by the wall clock, so every connection looks dead, deliveries are
/// routed nowhere and the connections are purged — found by the fault campaign, where devices that stayed connected
/// got no message at all. Judged by the stream's own time (the records it processes) a lagging topology sees the
/// connections as they were when the message was sent; the wall clock still caps it, so a record stamped in the future
/// cannot keep a dead connection alive.
/// </summary>
internal static class SessionClock
{
    public static long Now<TKey, TValue>(IProcessorContext<TKey, TValue> context, long recordTimestampMs) =>
        Math.Min(context.CurrentSystemTimeMs, Math.Max(recordTimestampMs, context.CurrentStreamTimeMs));
}
