using System.Collections.Concurrent;
using ChatStreams.Sinks.History;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Edge.History;

/// <summary>
/// The conversation history folded in memory from a replay of chat.events (and read marks from chat.receipts), fed
/// by <see cref="EventLogReader"/>. Until the history sink lands this is how an edge answers resume, history pages,
/// the conversation list and search; it holds every event, so it suits one machine, not a large deployment.
/// One lock guards the fold: applying is one consumer thread, readers copy what they need out under the lock.
/// </summary>
public sealed class EventLogHistory(ILogger<EventLogHistory> logger) : IConversationHistory
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ConversationState> _conversations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _conversationsOfUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(long Seq, TaskCompletionSource<bool> Done)>> _seqWaiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ChatEvent>> _decisions = new(StringComparer.Ordinal);
    private volatile bool _ready;

    public bool IsReady => _ready;

    private Func<TimeSpan, CancellationToken, Task<bool>> _catchUp = (_, _) => Task.FromResult(true);

    /// <summary>How to wait for the log's current end; set by the reader that feeds this history.</summary>
    public void AttachCatchUp(Func<TimeSpan, CancellationToken, Task<bool>> catchUp) => _catchUp = catchUp;

    public Task<bool> CatchUpAsync(TimeSpan timeout, CancellationToken ct) => _catchUp(timeout, ct);

    public void MarkReady() => _ready = true;

    public void Apply(ChatEvent e)
    {
        // Whoever waits for this decision reads the history next: fold first, then tell them.
        Fold(e);
        if (_decisions.TryRemove(e.CommandId, out var decision)) decision.TrySetResult(e);
    }

    private void Fold(ChatEvent e)
    {
        if (e.Payload is CommandRejected or CommandDeduplicated) return; // no position in the conversation
        lock (_gate)
        {
            if (!_conversations.TryGetValue(e.ConversationId, out var state))
            {
                if (e.Payload is not ConversationCreated)
                {
                    logger.LogWarning("Event {Seq} of unknown conversation {Conversation} skipped (its creation was not read).", e.Seq, e.ConversationId);
                    return;
                }
                _conversations[e.ConversationId] = state = new ConversationState(e.ConversationId) { CreatedAt = e.OccurredAt };
            }
            if (e.Seq <= state.LastSeq) return; // already folded (a replay)
            if (e.Seq != state.LastSeq + 1)
            {
                logger.LogError("Conversation {Conversation} jumps from seq {Last} to {Seq}; the event is skipped and history stops there.", e.ConversationId, state.LastSeq, e.Seq);
                return;
            }
            state.Events.Add(e);
            state.LastActivity = e.OccurredAt;
            Apply(state, e);
            ReleaseSeqWaiters(state);
        }
    }

    private readonly Dictionary<string, PresenceChange> _presence = new(StringComparer.Ordinal);

    /// <summary>The latest presence of a user (from compacted chat.presence); null when never seen.</summary>
    public PresenceChange? PresenceOf(string userId)
    {
        lock (_gate) return _presence.TryGetValue(userId, out var change) ? change : null;
    }

    public void Apply(PresenceChange change)
    {
        lock (_gate)
            if (!_presence.TryGetValue(change.UserId, out var known) || known.LastSeen <= change.LastSeen)
                _presence[change.UserId] = change;
    }

    public void Apply(ReceiptUpdate update)
    {
        lock (_gate)
        {
            if (!_conversations.TryGetValue(update.ConversationId, out var state)) return;
            var (delivered, read) = state.Receipts.TryGetValue(update.UserId, out var known) ? known : (0L, 0L);
            state.Receipts[update.UserId] = (Math.Max(delivered, update.DeliveredSeq), Math.Max(read, update.ReadSeq));
        }
    }

    private void Apply(ConversationState state, ChatEvent e)
    {
        switch (e.Payload)
        {
            case ConversationCreated created:
                state.Kind = created.Kind;
                state.Title = created.Title;
                foreach (var member in created.Members)
                {
                    state.Join(member, created.Admins.Contains(member) ? MemberRole.Admin : MemberRole.Member, e.Seq);
                    Index(member, state.Id);
                }
                break;
            case MemberAdded added:
                state.Join(added.MemberId, added.Role, e.Seq);
                Index(added.MemberId, state.Id);
                break;
            case MemberRemoved removed:
                state.Leave(removed.MemberId, e.Seq);
                break;
            case MessageSent sent:
                state.Messages[e.Seq] = new MessageState(sent.Body);
                break;
            case MessageEdited edited when state.Messages.TryGetValue(edited.TargetSeq, out var message):
                message.Body = edited.Body;
                message.Edited = true;
                break;
            case MessageDeleted deleted when state.Messages.TryGetValue(deleted.TargetSeq, out var message):
                message.Deleted = true;
                message.Body = "";
                break;
            case ReactionChanged reaction when state.Messages.TryGetValue(reaction.TargetSeq, out var message):
                if (!message.Reactions.TryGetValue(reaction.Emoji, out var users)) message.Reactions[reaction.Emoji] = users = new(StringComparer.Ordinal);
                if (reaction.Action == ReactionAction.Remove) users.Remove(e.UserId); else users.Add(e.UserId);
                if (users.Count == 0) message.Reactions.Remove(reaction.Emoji);
                break;
        }
    }

    private void Index(string userId, string conversationId)
    {
        if (!_conversationsOfUser.TryGetValue(userId, out var set)) _conversationsOfUser[userId] = set = new(StringComparer.Ordinal);
        set.Add(conversationId);
    }

    private void ReleaseSeqWaiters(ConversationState state)
    {
        if (!_seqWaiters.TryGetValue(state.Id, out var waiters)) return;
        waiters.RemoveAll(w =>
        {
            if (w.Seq > state.LastSeq) return false;
            w.Done.TrySetResult(true);
            return true;
        });
        if (waiters.Count == 0) _seqWaiters.Remove(state.Id);
    }

    public long Head(string conversationId)
    {
        lock (_gate) return _conversations.TryGetValue(conversationId, out var s) ? s.LastSeq : 0;
    }

    public bool IsMember(string conversationId, string userId)
    {
        lock (_gate) return _conversations.TryGetValue(conversationId, out var s) && s.Members.ContainsKey(userId);
    }

    public bool HasAccess(string conversationId, string userId)
    {
        lock (_gate) return _conversations.TryGetValue(conversationId, out var s) && s.Visible.ContainsKey(userId);
    }

    public IReadOnlyList<string> MembersOf(string conversationId)
    {
        lock (_gate) return _conversations.TryGetValue(conversationId, out var s) ? [.. s.Members.Keys] : [];
    }

    public IReadOnlyList<HistoryItem> Events(string conversationId, string userId, long afterSeq, long beforeSeq, int limit, bool newestFirst = false)
    {
        var items = new List<HistoryItem>();
        if (limit <= 0) return items;
        lock (_gate)
        {
            if (!_conversations.TryGetValue(conversationId, out var state)) return items;
            var low = Math.Max(afterSeq + 1, 1);
            var high = Math.Min(beforeSeq - 1, state.LastSeq);
            if (newestFirst)
            {
                for (var seq = high; seq >= low && items.Count < limit; seq--)
                    if (state.CanRead(userId, seq)) items.Add(Item(state, seq));
            }
            else
            {
                for (var seq = low; seq <= high && items.Count < limit; seq++)
                    if (state.CanRead(userId, seq)) items.Add(Item(state, seq));
            }
        }
        return items;
    }

    private static HistoryItem Item(ConversationState state, long seq)
    {
        var e = state.Events[(int)(seq - 1)];
        return new HistoryItem(Redacted(state, e), state.Messages.TryGetValue(seq, out var m) ? View(m) : null);
    }

    /// <summary>
    /// A deleted message's text is gone for good: replays (history pages, resume) carry neither its original body
    /// and attachments nor the bodies of its edits.
    /// </summary>
    private static ChatEvent Redacted(ConversationState state, ChatEvent e)
    {
        var target = e.Payload switch
        {
            MessageSent => e.Seq,
            MessageEdited edited => edited.TargetSeq,
            _ => 0,
        };
        return target != 0 && state.Messages.TryGetValue(target, out var message) && message.Deleted ? DeletedText.Redact(e) : e;
    }

    private static MessageView View(MessageState m) => new(m.Body, m.Edited, m.Deleted,
        m.Reactions.ToDictionary(r => r.Key, r => (IReadOnlyList<string>)[.. r.Value], StringComparer.Ordinal));

    public Task<bool> WaitForSeqAsync(string conversationId, long seq, TimeSpan timeout, CancellationToken ct)
    {
        TaskCompletionSource<bool> done;
        lock (_gate)
        {
            if (_conversations.TryGetValue(conversationId, out var state) && state.LastSeq >= seq) return Task.FromResult(true);
            done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_seqWaiters.TryGetValue(conversationId, out var waiters)) _seqWaiters[conversationId] = waiters = [];
            waiters.Add((seq, done));
        }
        return WaitAsync(done, conversationId, timeout, ct);
    }

    private async Task<bool> WaitAsync(TaskCompletionSource<bool> done, string conversationId, TimeSpan timeout, CancellationToken ct)
    {
        try { return await done.Task.WaitAsync(timeout, ct); }
        catch (TimeoutException) { return false; }
        finally
        {
            lock (_gate)
                if (_seqWaiters.TryGetValue(conversationId, out var waiters))
                {
                    waiters.RemoveAll(w => w.Done == done);
                    if (waiters.Count == 0) _seqWaiters.Remove(conversationId);
                }
        }
    }

    public DecisionWatch WatchDecision(string commandId)
    {
        var decision = new TaskCompletionSource<ChatEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        _decisions[commandId] = decision;
        return new DecisionWatch(decision.Task, () => _decisions.TryRemove(new KeyValuePair<string, TaskCompletionSource<ChatEvent>>(commandId, decision)));
    }

    public IReadOnlyList<ConversationSummary> ConversationsOf(string userId)
    {
        lock (_gate)
        {
            if (!_conversationsOfUser.TryGetValue(userId, out var ids)) return [];
            return ids.Select(id => _conversations[id])
                .Where(s => s.Members.ContainsKey(userId))
                .Select(s => Summary(s, userId))
                .OrderByDescending(s => s.LastActivity).ThenBy(s => s.ConversationId, StringComparer.Ordinal)
                .ToList();
        }
    }

    public ConversationSummary? Conversation(string conversationId, string userId)
    {
        lock (_gate)
            return _conversations.TryGetValue(conversationId, out var s) && s.Visible.ContainsKey(userId) ? Summary(s, userId) : null;
    }

    private static ConversationSummary Summary(ConversationState s, string userId)
    {
        var (delivered, read) = s.Receipts.TryGetValue(userId, out var marks) ? marks : (0L, 0L);
        long unread = 0;
        HistoryItem? last = null;
        for (var seq = s.LastSeq; seq > read && seq >= 1; seq--)
        {
            var e = s.Events[(int)(seq - 1)];
            if (e.Payload is MessageSent && s.CanRead(userId, seq) && e.UserId != userId && !s.Messages[seq].Deleted) unread++;
        }
        for (var seq = s.LastSeq; seq >= 1 && last is null; seq--)
            if (s.Events[(int)(seq - 1)].Payload is MessageSent && s.CanRead(userId, seq)) last = Item(s, seq);
        var members = s.Members.Select(m => new ConversationMember(m.Key, m.Value == MemberRole.Admin ? "admin" : "member"))
            .OrderBy(m => m.UserId, StringComparer.Ordinal).ToList();
        return new ConversationSummary(s.Id, s.Kind == ConversationKind.Direct ? "direct" : "group", s.Title, members,
            s.Members.ContainsKey(userId), s.LastSeq, delivered, read, unread, s.CreatedAt, s.LastActivity, last);
    }

    public IReadOnlyCollection<string> ContactsOf(string userId)
    {
        lock (_gate)
        {
            var contacts = new SortedSet<string>(StringComparer.Ordinal);
            if (_conversationsOfUser.TryGetValue(userId, out var ids))
                foreach (var id in ids)
                    if (_conversations[id].Members.ContainsKey(userId))
                        contacts.UnionWith(_conversations[id].Members.Keys);
            contacts.Remove(userId);
            return contacts;
        }
    }

    public IReadOnlyList<HistoryItem> Search(string userId, string query, string? conversationId, int limit)
    {
        var terms = query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var hits = new List<HistoryItem>();
        if (terms.Length == 0 || limit <= 0) return hits;
        lock (_gate)
        {
            if (!_conversationsOfUser.TryGetValue(userId, out var ids)) return hits;
            foreach (var id in ids)
            {
                if (conversationId is not null && id != conversationId) continue;
                var state = _conversations[id];
                foreach (var (seq, message) in state.Messages)
                    if (!message.Deleted && state.CanRead(userId, seq)
                        && terms.All(t => message.Body.Contains(t, StringComparison.OrdinalIgnoreCase)))
                        hits.Add(Item(state, seq));
            }
        }
        return hits.OrderByDescending(h => h.Event.OccurredAt).ThenByDescending(h => h.Event.Seq).Take(limit).ToList();
    }
}
