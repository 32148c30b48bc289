using ChatStreams.Sinks.History;
using chatstreams.v1;

namespace ChatStreams.Edge.History;

/// <summary>
/// What the edge reads about conversations: membership, events by seq (for resume and gap filling), history pages,
/// the caller's conversation list and search. Every answer is limited to what the asking user may read. The
/// implementation today replays chat.events (<see cref="EventLogHistory"/>); the history sink's store replaces it.
/// </summary>
public interface IConversationHistory
{
    /// <summary>False until the history has caught up with the log as it was when the edge started.</summary>
    bool IsReady { get; }

    /// <summary>
    /// Waits until the history holds everything in chat.events at the time of the call: what another edge or a REST
    /// call just had decided (a new conversation, a new member) is visible here afterwards. False on timeout.
    /// </summary>
    Task<bool> CatchUpAsync(TimeSpan timeout, CancellationToken ct);

    /// <summary>Last seq known for the conversation (0 when unknown).</summary>
    long Head(string conversationId);

    bool IsMember(string conversationId, string userId);

    /// <summary>True when the user is or was a member (may read some of its events).</summary>
    bool HasAccess(string conversationId, string userId);

    IReadOnlyList<string> MembersOf(string conversationId);

    /// <summary>Events the user may read with afterSeq &lt; seq &lt; beforeSeq, oldest first (newest first when <paramref name="newestFirst"/>), at most <paramref name="limit"/>.</summary>
    IReadOnlyList<HistoryItem> Events(string conversationId, string userId, long afterSeq, long beforeSeq, int limit, bool newestFirst = false);

    /// <summary>Completes once the conversation's events up to <paramref name="seq"/> are known; false on timeout.</summary>
    Task<bool> WaitForSeqAsync(string conversationId, long seq, TimeSpan timeout, CancellationToken ct);

    /// <summary>Starts watching for the sequencer's decision on a command; call before producing it.</summary>
    DecisionWatch WatchDecision(string commandId);

    IReadOnlyList<ConversationSummary> ConversationsOf(string userId);

    ConversationSummary? Conversation(string conversationId, string userId);

    /// <summary>The latest presence of a user; null when unknown.</summary>
    PresenceChange? PresenceOf(string userId);

    /// <summary>Users sharing at least one conversation with the user.</summary>
    IReadOnlyCollection<string> ContactsOf(string userId);

    /// <summary>Messages the user may read whose current text contains every term of the query, newest first.</summary>
    IReadOnlyList<HistoryItem> Search(string userId, string query, string? conversationId, int limit);
}

/// <summary>A pending wait for the event a command caused (its sequenced event, or a rejection or dedup).</summary>
public sealed class DecisionWatch(Task<ChatEvent> decision, Action cancel) : IDisposable
{
    public Task<ChatEvent> Decision { get; } = decision;

    public async Task<ChatEvent?> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try { return await Decision.WaitAsync(timeout, ct); }
        catch (TimeoutException) { return null; }
    }

    public void Dispose() => cancel();
}
