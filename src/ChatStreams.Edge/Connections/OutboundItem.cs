using chatstreams.v1;
using ChatStreams.Edge.Frames;

namespace ChatStreams.Edge.Connections;

/// <summary>Work for a connection's outbound pump, the only writer of its socket.</summary>
internal abstract record OutboundItem
{
    /// <summary>A ready frame (ack, error, pong, typing, receipt, presence).</summary>
    public sealed record Frame(byte[] Bytes) : OutboundItem;

    /// <summary>Several ready frames as one item (a presence snapshot), so their number does not count against the queue.</summary>
    public sealed record Frames(IReadOnlyList<byte[]> All) : OutboundItem;

    /// <summary>A sequenced conversation event: sent in seq order, holes filled from history, repeats dropped.</summary>
    public sealed record Event(ChatEvent ChatEvent) : OutboundItem;

    public sealed record Resume(ResumeFrame Request) : OutboundItem;

    /// <summary>A resume served while history was behind, resumed again now that it caught up (<see cref="History.LateResumes"/>).</summary>
    public sealed record LateResume(IReadOnlyDictionary<string, long> Cursors) : OutboundItem;

    /// <summary>The conversation's events up to this seq did not all arrive live (<see cref="History.LiveTailWatch"/>): fill them from history.</summary>
    public sealed record CatchUp(string ConversationId, long Seq) : OutboundItem;

    /// <summary>The client has spoken first (or the grace passed): sequenced events held since connect may go now.</summary>
    public sealed record Release : OutboundItem;

    /// <summary>Tell the client why and close the socket.</summary>
    public sealed record Close(string Reason, string Message, System.Net.WebSockets.WebSocketCloseStatus Status) : OutboundItem;
}
