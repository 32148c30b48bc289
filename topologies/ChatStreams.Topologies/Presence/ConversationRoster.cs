using System.Text.Json.Serialization;
using chatstreams.v1;

namespace ChatStreams.Topologies.Presence;

/// <summary>
/// What the presence topology keeps of a conversation (store <c>presence-conversations</c>, JSON): its kind, its
/// members and the seq of the last membership event applied, so a replayed event is not counted twice.
/// </summary>
public sealed class ConversationRoster
{
    [JsonConverter(typeof(JsonStringEnumConverter<ConversationKind>))]
    public ConversationKind Kind { get; set; }

    public List<string> Members { get; set; } = [];

    public long LastSeq { get; set; }

    /// <summary>
    /// Whether the members are each other's presence peers: always in a direct conversation, in a group only up to
    /// <paramref name="maxGroupSize"/> members (a big group would turn every flap into a storm of frames).
    /// </summary>
    public bool LinksPeers(int maxGroupSize) => Kind == ConversationKind.Direct || Members.Count <= maxGroupSize;

    /// <summary>The members whose pairs are linked (empty when the conversation links no peers).</summary>
    public IReadOnlyList<string> LinkedMembers(int maxGroupSize) => LinksPeers(maxGroupSize) ? Members : [];
}
