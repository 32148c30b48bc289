using ChatStreams.Contracts;
using ChatStreams.Streams.Processor;
using ChatStreams.Streams.State;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Topologies.Presence;

/// <summary>
/// Copies a presence notice (key: the recipient peer) to the delivery topic of every edge where the recipient has a
/// live connection. A recipient with none gets nothing: a client fetches presence when it reconnects.
/// </summary>
internal sealed class PresenceNoticeRouter(TimeSpan inactivityGap, ILogger logger) : IProcessor<string, Delivery, string, RoutedDelivery>
{
    private IProcessorContext<string, RoutedDelivery> _context = null!;
    private IKeyValueStore<string, PresenceState> _presence = null!;

    public void Init(IProcessorContext<string, RoutedDelivery> context)
    {
        _context = context;
        _presence = context.GetStateStore<IKeyValueStore<string, PresenceState>>(PresenceTopology.PresenceStore);
    }

    public void Process(Record<string, Delivery> record)
    {
        var notice = record.Value;
        if (notice is null || string.IsNullOrEmpty(record.Key) || notice.UserId != record.Key || notice.Payload is not PresenceChange)
        {
            logger.LogWarning("skipped a presence notice at key {Key}: no value, another recipient than the key, or not a presence change", record.Key);
            return;
        }
        if (!_presence.TryGet(record.Key, out var recipient)) return;
        // LiveEdges yields only edge ids that can name a delivery topic (a bad one would fail the sink's topic choice).
        foreach (var edge in recipient.Connections.LiveEdges(_context.CurrentSystemTimeMs, inactivityGap))
            _context.Forward(record.WithValue(new RoutedDelivery(edge, notice)));
    }
}
