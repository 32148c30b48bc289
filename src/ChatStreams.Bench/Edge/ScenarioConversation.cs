namespace ChatStreams.Bench.Edge;

/// <summary>One conversation of a scenario and its devices.</summary>
/// <param name="Members">One socket per member; each must receive every message once, in order.</param>
/// <param name="Senders">The members that send, each its share of messages at the scenario's rate.</param>
/// <param name="Counted">The members whose message frames are the scenario's deliveries and latency samples.</param>
public sealed record ScenarioConversation(string ConversationId, IReadOnlyList<ChatSocket> Members, IReadOnlyList<ChatSocket> Senders,
    IReadOnlyList<ChatSocket> Counted);
