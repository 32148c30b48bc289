namespace ChatStreams.Bench.Topologies;

/// <summary>A member of a benchmark conversation: one device, connected at one edge.</summary>
public sealed record BenchMember(string UserId, string DeviceId, string EdgeId, string ConnectionId);

/// <summary>A benchmark conversation and its members (the first one creates it and all of them send).</summary>
public sealed record BenchConversation(string ConversationId, IReadOnlyList<BenchMember> Members);

/// <summary>
/// The conversations of one group size. Every member is a distinct user with one connection, and consecutive users
/// alternate between the two edges, so both delivery topics carry half the deliveries (an edge is a real hop, not a
/// dead end) and each group spans both edges.
/// </summary>
public static class BenchConversations
{
    public static IReadOnlyList<string> Edges { get; } = ["edge-1", "edge-2"];

    /// <param name="prefix">Makes the ids of this set unique in the run (e.g. "g50").</param>
    /// <param name="size">Members per conversation, the creator included.</param>
    /// <param name="count">Conversations.</param>
    public static IReadOnlyList<BenchConversation> Create(string prefix, int size, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var user = 0;
        var conversations = new List<BenchConversation>(count);
        for (var c = 0; c < count; c++)
        {
            var members = new List<BenchMember>(size);
            for (var m = 0; m < size; m++, user++)
            {
                var userId = $"{prefix}-u{user}";
                members.Add(new BenchMember(userId, $"{userId}-phone", Edges[user % Edges.Count], $"{userId}-conn"));
            }
            conversations.Add(new BenchConversation($"{prefix}-c{c}", members));
        }
        return conversations;
    }
}
