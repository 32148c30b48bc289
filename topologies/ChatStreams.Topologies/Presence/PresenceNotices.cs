using chatstreams.v1;

namespace ChatStreams.Topologies.Presence;

/// <summary>
/// A presence change addressed to one peer: a <see cref="Delivery"/> for all the peer's devices (DeviceId null), with
/// no conversation and no seq, which the notice router copies to each edge where the peer is connected.
/// </summary>
internal static class PresenceNotices
{
    public static Delivery For(string peerId, PresenceChange change, long nowMs) => new()
    {
        UserId = peerId,
        DeviceId = null,
        ConversationId = null,
        Seq = null,
        CreatedAt = TimeConversions.FromUnixMs(nowMs),
        Payload = change,
    };
}
