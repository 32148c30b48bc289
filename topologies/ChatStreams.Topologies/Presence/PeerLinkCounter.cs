using ChatStreams.Streams.Processor;
using ChatStreams.Streams.State;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Topologies.Presence;

/// <summary>
/// Keeps, per (user, peer), how many conversations link them (store <c>peers</c>): a direct conversation and a small
/// group shared by the same two users count twice, so leaving one keeps the link. When a link appears the new peer is
/// told the user's current published presence once (a notice keyed by the peer); nothing is sent when it goes away.
/// </summary>
internal sealed class PeerLinkCounter(ILogger logger) : IProcessor<string, PeerLink, string, Delivery>
{
    private IProcessorContext<string, Delivery> _context = null!;
    private IKeyValueStore<string, int> _peers = null!;
    private IKeyValueStore<string, PresenceState> _presence = null!;

    public void Init(IProcessorContext<string, Delivery> context)
    {
        _context = context;
        _peers = context.GetStateStore<IKeyValueStore<string, int>>(PresenceTopology.PeersStore);
        _presence = context.GetStateStore<IKeyValueStore<string, PresenceState>>(PresenceTopology.PresenceStore);
    }

    public void Process(Record<string, PeerLink> record)
    {
        var link = record.Value;
        if (link is null || string.IsNullOrEmpty(record.Key) || link.UserId != record.Key || string.IsNullOrEmpty(link.PeerId)
            || link.PeerId == link.UserId || link.PeerId.Contains(StoreKeys.Separator) || link.Delta is not (1 or -1))
        {
            logger.LogWarning("skipped an invalid peer link at key {Key}: {Link}", record.Key, link);
            return;
        }
        var key = StoreKeys.Of(link.UserId, link.PeerId);
        var before = _peers.TryGet(key, out var count) ? count : 0;
        var after = before + link.Delta;
        if (after > 0)
        {
            _peers.Put(key, after);
        }
        else
        {
            if (after < 0) logger.LogWarning("{UserId} unlinked from {PeerId} without a link; ignored", link.UserId, link.PeerId);
            _peers.Delete(key);
        }
        if (before > 0 || after <= 0) return;

        var presence = _presence.Get(link.UserId)?.LastPublished(link.UserId);
        if (presence is null) return;
        _context.Forward(new Record<string, Delivery>(link.PeerId, PresenceNotices.For(link.PeerId, presence, _context.CurrentSystemTimeMs), record.Timestamp));
    }
}
