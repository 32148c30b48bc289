namespace ChatStreams.Topologies.Presence;

/// <summary>
/// One conversation started (+1) or stopped (-1) making <paramref name="PeerId"/> a presence peer of
/// <paramref name="UserId"/>. Written by the <see cref="PeerLinker"/> keyed by <paramref name="UserId"/> (both directions
/// of every pair), so the link count lands in the task that owns the user's presence. JSON on the peer-links topic.
/// </summary>
public sealed record PeerLink(string UserId, string PeerId, int Delta);
