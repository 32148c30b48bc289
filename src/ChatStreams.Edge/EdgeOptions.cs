using ChatStreams.Contracts;

namespace ChatStreams.Edge;

/// <summary>Settings of one edge (section "Edge"; env Edge__Id, Edge__MaxFrameBytes, ...).</summary>
public sealed class EdgeOptions
{
    public const string Section = "Edge";

    /// <summary>This edge's id; it names the edge's delivery topic delivery.&lt;id&gt;. Stable across restarts.</summary>
    public string Id { get; set; } = "";

    /// <summary>Largest client frame accepted; bigger ones are answered with a too_large error.</summary>
    public int MaxFrameBytes { get; set; } = 64 * 1024;

    /// <summary>Frames waiting for one socket; a client that lets more pile up is disconnected as a slow consumer.</summary>
    public int SendQueueCapacity { get; set; } = 1024;

    /// <summary>How often each connection's heartbeat goes to chat.sessions; must stay well under the topologies' inactivity gap (30 s).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a send may wait for Kafka's acknowledgement before the client gets an unavailable error.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a REST call that changes a conversation waits for the sequencer's decision before answering 202.</summary>
    public TimeSpan DecisionWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long filling a gap waits for the history to reach the missing seqs before the client is asked to resume later.</summary>
    public TimeSpan HistoryWait { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// After connect, conversation events wait until the client's first frame (normally its resume) or this long, so a
    /// resuming client gets its backlog before live events and sees every conversation in seq order.
    /// </summary>
    public TimeSpan ResumeGrace { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long after a decision a socket that follows the conversation but has not received it live (and received
    /// nothing of that conversation live meanwhile) is filled from history; 0 turns the check off. See LiveTailWatch.
    /// Not shorter: past saturation a live path can be silent for seconds with nothing missing, and every fill reads
    /// history (docs/benchmarks.md measured 5 s costing throughput in a reconnect storm).
    /// </summary>
    public TimeSpan LiveTailCheckAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>On shutdown: time between going unhealthy (the gateway stops routing here) and telling clients to reconnect.</summary>
    public TimeSpan DrainNotice { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>On shutdown: how long clients get to close after being told to reconnect elsewhere.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest message body (characters), as the sequencer enforces (Topologies:Conversation:MaxBodyLength).</summary>
    public int MaxBodyLength { get; set; } = 16_384;

    /// <summary>Largest ciphertext (bytes) of an encrypted send, as the sequencer enforces (Topologies:Conversation:MaxCiphertextBytes).</summary>
    public int MaxCiphertextBytes { get; set; } = 48 * 1024;

    /// <summary>Most attachments on one message.</summary>
    public int MaxAttachments { get; set; } = 10;

    /// <summary>Most conversations named in one resume frame.</summary>
    public int MaxResumeCursors { get; set; } = 1_000;

    /// <summary>Frames one connection may send: a token bucket.</summary>
    public RateLimit ConnectionRate { get; set; } = new() { PerSecond = 20, Burst = 40 };

    /// <summary>Frames one user may send over all their connections at this edge: a token bucket.</summary>
    public RateLimit UserRate { get; set; } = new() { PerSecond = 40, Burst = 80 };

    /// <summary>
    /// Networks (CIDR, e.g. 10.0.0.0/8) of proxies whose X-Forwarded-For names the client: the gateway's pods in a
    /// cluster. Loopback is always trusted (`up`'s gateway). The client address counts failed logins per address.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    public sealed class RateLimit
    {
        public int PerSecond { get; set; }
        public int Burst { get; set; }
    }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Topics.IsValidEdgeId(Id))
            errors.Add($"Edge:Id '{Id}' is not a usable edge id: set Edge__Id (or --id) to letters, digits, '.', '_' or '-', e.g. edge-0");
        if (MaxFrameBytes < 1024) errors.Add($"Edge:MaxFrameBytes is {MaxFrameBytes}; use at least 1024");
        if (SendQueueCapacity < 16) errors.Add($"Edge:SendQueueCapacity is {SendQueueCapacity}; use at least 16");
        if (HeartbeatInterval <= TimeSpan.Zero) errors.Add("Edge:HeartbeatInterval must be positive");
        if (LiveTailCheckAfter < TimeSpan.Zero) errors.Add("Edge:LiveTailCheckAfter must be 0 (off) or positive, e.g. 00:00:05");
        foreach (var (name, rate) in new[] { ("ConnectionRate", ConnectionRate), ("UserRate", UserRate) })
            if (rate.PerSecond <= 0 || rate.Burst <= 0)
                errors.Add($"Edge:{name} needs PerSecond and Burst above 0 (got {rate.PerSecond}/s, burst {rate.Burst})");
        foreach (var network in TrustedProxies)
            if (!System.Net.IPNetwork.TryParse(network, out _))
                errors.Add($"Edge:TrustedProxies has '{network}', which is not a network in CIDR form (e.g. 10.0.0.0/8 or fd00::/8)");
        return errors;
    }
}
