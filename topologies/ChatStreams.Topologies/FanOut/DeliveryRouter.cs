using ChatStreams.Contracts;
using ChatStreams.Streams.Processor;
using ChatStreams.Streams.State;
using ChatStreams.Topologies.Sessions;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Topologies.FanOut;

/// <summary>
/// Sub-topology 1, the deliveries repartitioned by user. Sends each delivery once to every edge that holds a live
/// connection of the recipient (the edge hands it to all of the user's devices there). A connection that moved to
/// another edge counts at both until the old one disconnects or goes silent; clients apply frames idempotently by
/// (conversation, seq), so the overlap is harmless while a gap would not be. When the recipient has no live connection
/// the delivery takes the offline path (push notification or nothing; the device resumes from history).
/// The decision is made once per delivery, against one clock reading, so a connection going silent at that instant
/// can never make a delivery miss both paths.
/// </summary>
internal sealed class DeliveryRouter(TopologyOptions options, ILogger<DeliveryRouter> logger) : IProcessor<string, RoutedDelivery, string, RoutedDelivery>
{
    private IProcessorContext<string, RoutedDelivery> _context = null!;
    private IKeyValueStore<string, UserConnections> _sessions = null!;

    public void Init(IProcessorContext<string, RoutedDelivery> context)
    {
        _context = context;
        _sessions = context.GetStateStore<IKeyValueStore<string, UserConnections>>(FanOutTopology.SessionsStore);
    }

    public void Process(Record<string, RoutedDelivery> record)
    {
        var routed = record.Value;
        if (routed is null || string.IsNullOrEmpty(record.Key))
        {
            logger.LogWarning("Dropped a delivery without a recipient (key '{Key}').", record.Key);
            return;
        }
        var edges = LiveEdges(record.Key, routed.DeviceId, SessionClock.Now(_context, record.Timestamp));
        if (edges.Count == 0)
        {
            _context.Forward(record, FanOutTopology.OfflineNotifierProcessor);
            return;
        }
        // The title travelled only to reach the notifier; the edges get the contract record (as read) and the original headers.
        var headers = ConversationTitleHeader.Without(record.Headers);
        foreach (var edge in edges)
            _context.Forward(new Record<string, RoutedDelivery>(record.Key, routed with { EdgeId = edge }, record.Timestamp, headers), FanOutTopology.DeliverySink);
    }

    /// <summary>Edges with a live connection of the user (of the one device, for a delivery addressed to a device).</summary>
    private IReadOnlyList<string> LiveEdges(string userId, string? deviceId, long nowMs) =>
        _sessions.TryGet(userId, out var connections) ? connections.LiveEdges(nowMs, options.SessionInactivityGap, deviceId) : [];
}
