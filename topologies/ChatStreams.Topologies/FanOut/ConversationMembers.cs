using ChatStreams.Streams.State;
using chatstreams.v1;

namespace ChatStreams.Topologies.FanOut;

/// <summary>What the fan-out knows of a conversation: enough to guard the event order and title a push banner.</summary>
/// <param name="Kind">Direct or group.</param>
/// <param name="Title">Title of a group (null for direct conversations and untitled groups).</param>
/// <param name="MemberCount">Current members.</param>
/// <param name="LastSeq">Seq of the last event applied; an event at or below it is a replayed duplicate.</param>
public sealed record FanOutConversation(ConversationKind Kind, string? Title, int MemberCount, long LastSeq);

/// <summary>One member of a conversation in the fan-out's membership table.</summary>
/// <param name="Role">Member or admin (kept for diagnostics; the fan-out treats both alike).</param>
/// <param name="SinceSeq">Seq of the event that made them a member: they receive events from it on.</param>
public sealed record FanOutMember(MemberRole Role, long SinceSeq);

/// <summary>
/// The fan-out's own copy of conversation membership, folded from chat.events in conversation order. Keeping it here
/// (rather than joining a membership table written by someone else) is what makes a membership change take effect at
/// exactly its position: every event is delivered against the membership as of the event before it.
/// Members are stored under <see cref="StoreKeys.Of(string,string)"/>(conversation, user), so one prefix scan lists a
/// conversation's members.
/// </summary>
internal sealed class ConversationMembers(
    IKeyValueStore<string, FanOutMember> members,
    IKeyValueStore<string, FanOutConversation> conversations)
{
    /// <summary>The membership of the task a processor runs in (both stores must be connected to the processor).</summary>
    public static ConversationMembers From<TKey, TValue>(ChatStreams.Streams.Processor.IProcessorContext<TKey, TValue> context) => new(
        context.GetStateStore<IKeyValueStore<string, FanOutMember>>(FanOutTopology.MembersStore),
        context.GetStateStore<IKeyValueStore<string, FanOutConversation>>(FanOutTopology.ConversationsStore));

    public FanOutConversation? Conversation(string conversationId) =>
        conversations.TryGet(conversationId, out var conversation) ? conversation : null;

    public void Save(string conversationId, FanOutConversation conversation) => conversations.Put(conversationId, conversation);

    public bool IsMember(string conversationId, string userId) =>
        IsUsableId(userId) && members.TryGet(StoreKeys.Of(conversationId, userId), out _);

    /// <summary>Adds the member (or updates their role); true if they were not a member before.</summary>
    public bool Add(string conversationId, string userId, FanOutMember member)
    {
        var key = StoreKeys.Of(conversationId, userId);
        var isNew = !members.TryGet(key, out var existing);
        // A repeated add keeps the original SinceSeq: they have been a member since then.
        members.Put(key, isNew ? member : existing with { Role = member.Role });
        return isNew;
    }

    /// <summary>Removes the member; true if they were one.</summary>
    public bool Remove(string conversationId, string userId)
    {
        var key = StoreKeys.Of(conversationId, userId);
        if (!members.TryGet(key, out _)) return false;
        members.Delete(key);
        return true;
    }

    /// <summary>The current members, materialized so callers may change membership while delivering.</summary>
    public IReadOnlyList<string> Of(string conversationId) =>
        members.PrefixScan(StoreKeys.Prefix(conversationId)).Select(entry => StoreKeys.Last(entry.Key)).ToList();

    /// <summary>
    /// Whether an id can be part of a composite store key: an empty id or one holding the separator would make prefix
    /// scans find the wrong entries, so such ids never enter the table.
    /// </summary>
    public static bool IsUsableId(string? id) => !string.IsNullOrEmpty(id) && !id.Contains(StoreKeys.Separator);
}
