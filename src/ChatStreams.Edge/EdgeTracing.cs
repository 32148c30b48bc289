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

    /// <summary>
    /// A span that starts its own trace: a client's command is one operation, not part of the WebSocket request that
    /// carries it (ASP.NET Core's activity for that request lives as long as the socket and is not recorded, so as a
    /// parent it would make a parent-based sampler drop every command of the connection). Activity.Current is left as it was.
    /// </summary>
    public static Activity? StartRoot(string name, ActivityKind kind)
    {
        var current = Activity.Current;
        Activity.Current = null;
        try
        {
            return Source.StartActivity(name, kind);
        }
        finally
        {
            Activity.Current = current;
        }
    }
}
