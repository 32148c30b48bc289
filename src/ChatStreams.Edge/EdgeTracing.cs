using System.Diagnostics;

namespace ChatStreams.Edge;

/// <summary>
/// The edge's spans (ActivitySource "ChatStreams.Edge"): "publish chat.commands" from a client frame until Kafka acked
/// it, its context in the record's headers; "deliver delivery.&lt;edge&gt;" when a delivery reaches this edge's sockets,
/// child of the context the topologies carried. Together with the topologies' spans: one trace per message.
/// </summary>
public static class EdgeTracing
{
    public const string SourceName = "ChatStreams.Edge";

    public static readonly ActivitySource Source = new(SourceName);
}
