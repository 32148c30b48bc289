namespace ChatStreams.Bench.Edge;

/// <summary>One measured scenario: what was sent, what arrived, how long it took and whether every device got every message once, in order.</summary>
/// <param name="Name">"direct" or "group".</param>
/// <param name="ConnectionsPerEdge">Sockets per edge, as the gateway placed them (edge id → count).</param>
/// <param name="Senders">Sending connections, each at the scenario's rate.</param>
/// <param name="MessagesSent">Send frames written.</param>
/// <param name="MessagesAcked">Of those, acked (durable in Kafka).</param>
/// <param name="DeliveriesExpected">Message frames due at the counted devices (receivers of direct conversations; every member of the group).</param>
/// <param name="DeliveriesCounted">Message frames of this run those devices received.</param>
/// <param name="Seconds">From the first send's slot to the last message frame received.</param>
/// <param name="SendToAck">Send → ack at the sender: the edge has the message durable in Kafka.</param>
/// <param name="SendToMessage">Send → message frame at a counted device: end-to-end delivery.</param>
/// <param name="Check">Seq check of every device of every conversation (senders' own copies included).</param>
/// <param name="Errors">Error and reconnect frames, closed sockets: one line each.</param>
/// <param name="Cpu">CPU during the scenario's traffic, when /proc tells.</param>
public sealed record ScenarioResult(
    string Name,
    int Conversations,
    IReadOnlyDictionary<string, int> ConnectionsPerEdge,
    int Senders,
    int MessagesSent,
    int MessagesAcked,
    long DeliveriesExpected,
    long DeliveriesCounted,
    double Seconds,
    LatencyDistribution SendToAck,
    LatencyDistribution SendToMessage,
    SequenceCheck Check,
    IReadOnlyList<string> Errors,
    ScenarioCpu? Cpu)
{
    public int Connections => ConnectionsPerEdge.Values.Sum();

    public double MessagesPerSecond => Seconds > 0 ? MessagesAcked / Seconds : 0;

    public double DeliveriesPerSecond => Seconds > 0 ? DeliveriesCounted / Seconds : 0;

    /// <summary>Everything arrived exactly once and in order, and no frame was refused.</summary>
    public bool Passed => Check.Passed && Errors.Count == 0 && MessagesAcked == MessagesSent && DeliveriesCounted == DeliveriesExpected;
}

/// <param name="StartedSystem">True when the benchmark ran `chatstreams up` itself; false with --url.</param>
/// <param name="GatewayUrl">The gateway the clients used.</param>
/// <param name="Edges">Edges behind the gateway (from /gateway/status).</param>
/// <param name="StartupSeconds">From starting (or reaching) the system to its first conversation created end to end.</param>
/// <param name="RegistrationsPerSecond">How fast the benchmark's users were registered (Argon2id hashing at the edges), a few at a time.</param>
public sealed record EdgeBenchResult(bool StartedSystem, string GatewayUrl, int Edges, double StartupSeconds, double RegistrationsPerSecond,
    ScenarioResult Direct, ScenarioResult Group)
{
    public bool Passed => Direct.Passed && Group.Passed;
}
