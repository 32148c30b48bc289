using ChatStreams.Streams.Processor;
using ChatStreams.Streams.State;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Topologies.Presence;

/// <summary>
/// Sub-topology 0 (key: conversation id): follows the membership of every conversation in chat.events and emits a
/// <see cref="PeerLink"/> +1/-1 for each ordered pair of members that starts or stops being linked, keyed by the first
/// user. Only membership events touch the store; messages and the other events pass without a write.
/// </summary>
internal sealed class PeerLinker(PresenceOptions options, ILogger logger) : IProcessor<string, ChatEvent, string, PeerLink>
{
    private IProcessorContext<string, PeerLink> _context = null!;
    private IKeyValueStore<string, ConversationRoster> _rosters = null!;

    public void Init(IProcessorContext<string, PeerLink> context)
    {
        _context = context;
        _rosters = context.GetStateStore<IKeyValueStore<string, ConversationRoster>>(PresenceTopology.ConversationsStore);
    }

    public void Process(Record<string, ChatEvent> record)
    {
        var chatEvent = record.Value;
        if (chatEvent?.Payload is null || string.IsNullOrEmpty(record.Key) || chatEvent.ConversationId != record.Key)
        {
            logger.LogWarning("skipped a chat event without a value or payload, or keyed by another conversation, at key {Key}", record.Key);
            return;
        }
        if (chatEvent.Payload is not (ConversationCreated or MemberAdded or MemberRemoved)) return;

        var known = _rosters.TryGet(record.Key, out var roster);
        if (known && chatEvent.Seq <= roster.LastSeq)
        {
            logger.LogDebug("skipped membership event seq {Seq} of {ConversationId}: already applied up to {LastSeq}", chatEvent.Seq, record.Key, roster.LastSeq);
            return;
        }
        var next = Apply(known ? roster : null, chatEvent);
        if (next is null) return;

        EmitChanges(known ? roster.LinkedMembers(options.MaxGroupSize) : [], next.LinkedMembers(options.MaxGroupSize), record.Timestamp);
        _rosters.Put(record.Key, next);
    }

    /// <summary>The roster after the event, or null when the event cannot be applied (logged).</summary>
    private ConversationRoster? Apply(ConversationRoster? roster, ChatEvent chatEvent)
    {
        if (chatEvent.Payload is ConversationCreated created)
            return new ConversationRoster { Kind = created.Kind, Members = ValidMembers(created.Members ?? [], chatEvent), LastSeq = chatEvent.Seq };
        if (roster is null)
        {
            logger.LogWarning("skipped {EventType} seq {Seq} of unknown conversation {ConversationId}", chatEvent.Payload.GetType().Name, chatEvent.Seq, chatEvent.ConversationId);
            return null;
        }
        var members = chatEvent.Payload switch
        {
            MemberAdded added => roster.Members.Concat(ValidMembers([added.MemberId], chatEvent)).Distinct(StringComparer.Ordinal).ToList(),
            MemberRemoved removed => roster.Members.Where(m => m != removed.MemberId).ToList(),
            _ => roster.Members,
        };
        return new ConversationRoster { Kind = roster.Kind, Members = members, LastSeq = chatEvent.Seq };
    }

    /// <summary>Member ids that can be store-key parts (non-empty, no separator); others are logged and left out.</summary>
    private List<string> ValidMembers(IEnumerable<string?> candidates, ChatEvent chatEvent)
    {
        var valid = new List<string>();
        foreach (var member in candidates)
        {
            if (string.IsNullOrEmpty(member) || member.Contains(StoreKeys.Separator))
            {
                logger.LogWarning("left out an invalid member id in seq {Seq} of {ConversationId}", chatEvent.Seq, chatEvent.ConversationId);
                continue;
            }
            if (!valid.Contains(member, StringComparer.Ordinal)) valid.Add(member);
        }
        return valid;
    }

    /// <summary>
    /// Every ordered pair of <paramref name="before"/> is linked, and every pair of <paramref name="after"/> must be:
    /// links the pairs that are new and unlinks those that are gone. A pair is linked before iff both users were.
    /// </summary>
    private void EmitChanges(IReadOnlyList<string> before, IReadOnlyList<string> after, long timestamp)
    {
        var wasLinked = before.ToHashSet(StringComparer.Ordinal);
        var isLinked = after.ToHashSet(StringComparer.Ordinal);
        foreach (var user in before)
        foreach (var peer in before)
            if (user != peer && !(isLinked.Contains(user) && isLinked.Contains(peer)))
                _context.Forward(new Record<string, PeerLink>(user, new PeerLink(user, peer, -1), timestamp));
        foreach (var user in after)
        foreach (var peer in after)
            if (user != peer && !(wasLinked.Contains(user) && wasLinked.Contains(peer)))
                _context.Forward(new Record<string, PeerLink>(user, new PeerLink(user, peer, +1), timestamp));
    }
}
