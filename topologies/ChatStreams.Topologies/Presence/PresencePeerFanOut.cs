using ChatStreams.Streams.Processor;
using ChatStreams.Streams.State;
using chatstreams.v1;

namespace ChatStreams.Topologies.Presence;

/// <summary>
/// Turns a published presence change of a user into one notice per linked peer (store <c>peers</c>, which lives in
/// the user's task), keyed by the peer so that the notice reaches the task holding the peer's connections.
/// </summary>
internal sealed class PresencePeerFanOut : IProcessor<string, PresenceChange, string, Delivery>
{
    private IProcessorContext<string, Delivery> _context = null!;
    private IKeyValueStore<string, int> _peers = null!;

    public void Init(IProcessorContext<string, Delivery> context)
    {
        _context = context;
        _peers = context.GetStateStore<IKeyValueStore<string, int>>(PresenceTopology.PeersStore);
    }

    public void Process(Record<string, PresenceChange> record)
    {
        var now = _context.CurrentSystemTimeMs;
        foreach (var (key, links) in _peers.PrefixScan(StoreKeys.Prefix(record.Key)))
        {
            if (links <= 0) continue;
            var peer = StoreKeys.Last(key);
            _context.Forward(new Record<string, Delivery>(peer, PresenceNotices.For(peer, record.Value, now), record.Timestamp));
        }
    }
}
