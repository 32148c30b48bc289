using ChatStreams.Bench.Edge;

namespace ChatStreams.Bench.Load;

/// <summary>
/// A chat backend the load generator drives, started on this machine on free loopback ports: ChatStreams (`chatstreams up`)
/// or the SignalR + Redis baseline. One adapter per system, so both see the same users, conversations and schedule.
/// </summary>
public interface ILoadSystem : IAsyncDisposable
{
    /// <summary>Short name for tables and file names: "ChatStreams", "SignalR + Redis".</summary>
    string Name { get; }

    /// <summary>What runs, for the report's set-up paragraph.</summary>
    string Description { get; }

    /// <summary>Roots of the system's process trees (their CPU and memory are the system's), once started.</summary>
    IReadOnlyList<int> ProcessIds { get; }

    Task StartAsync(TextWriter progress, CancellationToken ct);

    /// <summary>Registers a user (a password hash is computed) and returns its id and access token.</summary>
    Task<BenchAccount> RegisterAsync(string username, CancellationToken ct);

    /// <summary>Creates a direct (two members) or group conversation of <paramref name="creator"/> and <paramref name="others"/>.</summary>
    Task<string> CreateConversationAsync(BenchAccount creator, IReadOnlyList<BenchAccount> others, CancellationToken ct);

    /// <summary>Opens client <paramref name="index"/>'s connection; every message that reaches it goes to <paramref name="onDelivery"/>.</summary>
    Task<ILoadClient> ConnectAsync(BenchAccount account, int index, Action<Delivery> onDelivery, CancellationToken ct);
}

/// <summary>One client's connection, which can be dropped and resumed.</summary>
public interface ILoadClient : IAsyncDisposable
{
    /// <summary>Returns once messages of these conversations reach this connection.</summary>
    Task JoinAsync(IReadOnlyList<string> conversationIds, CancellationToken ct);

    /// <summary>Writes a send; returns when it is on the wire (acceptance comes later and is counted in <see cref="Accepted"/>).</summary>
    Task SendAsync(string conversationId, string messageId, string body, CancellationToken ct);

    /// <summary>Sends the system confirmed (ChatStreams: acked, durable in Kafka; SignalR: the hub method returned).</summary>
    long Accepted { get; }

    /// <summary>Refusals and failures, one line each.</summary>
    IReadOnlyList<string> Errors { get; }

    /// <summary>Loses the connection as a network failure would.</summary>
    void Drop();

    /// <summary>Connects again and picks up where it was, as far as the system lets it; sends wait for this.</summary>
    Task ResumeAsync(CancellationToken ct);
}

/// <summary>A message that reached client <paramref name="Recipient"/>, and when (Stopwatch timestamps).</summary>
/// <param name="StampedAt">The send's scheduled time, read from its body; null for a body the generator did not write.</param>
public readonly record struct Delivery(int Recipient, string ConversationId, string MessageId, long? StampedAt, long ArrivedAt);
