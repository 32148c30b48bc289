using System.Diagnostics;
using ChatStreams.Sinks;
using ChatStreams.Sinks.History;
using chatstreams.v1;

namespace ChatStreams.Edge.History;

/// <summary>
/// The edge's history: reads go to the history store (SQLite on one machine, MongoDB in a cluster), the sink's
/// progress tells when the store has caught up, and the live feed supplies decisions and presence. The edge keeps no
/// history of its own, so it starts at once and its memory does not grow with the conversations.
/// </summary>
public sealed class StoreHistory(IHistoryReader store, Func<TimeSpan, CancellationToken, Task<bool>> catchUp, Func<bool> feedReady,
    DecisionWatches decisions, PresenceBoard presence) : IConversationHistory
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(50);

    public StoreHistory(IHistoryReader store, SinkProgress progress, LiveEventFeed feed, DecisionWatches decisions, PresenceBoard presence)
        : this(store, progress.WaitAsync, () => feed.IsReady, decisions, presence)
    {
    }

    public bool IsReady => feedReady();

    public Task<bool> CatchUpAsync(TimeSpan timeout, CancellationToken ct) => catchUp(timeout, ct);

    public async Task<bool> WaitForSeqAsync(string conversationId, long seq, TimeSpan timeout, CancellationToken ct)
    {
        // The store has no change feed that works for both SQLite and MongoDB; a short poll of one indexed row is cheap,
        // and gaps to fill are rare (a socket that connected or resumed while messages were in flight).
        var started = Stopwatch.GetTimestamp();
        var pause = FirstPoll;
        while (await store.HeadAsync(conversationId, ct) < seq)
        {
            var left = timeout - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero) return false;
            await Task.Delay(pause < left ? pause : left, ct);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPoll.Ticks));
        }
        return true;
    }

    public DecisionWatch WatchDecision(string commandId) => decisions.Watch(commandId);

    public PresenceChange? PresenceOf(string userId) => presence.Of(userId);

    public Task<long> HeadAsync(string conversationId, CancellationToken ct) => store.HeadAsync(conversationId, ct);

    public Task<bool> IsMemberAsync(string conversationId, string userId, CancellationToken ct) => store.IsMemberAsync(conversationId, userId, ct);

    public Task<bool> HasAccessAsync(string conversationId, string userId, CancellationToken ct) => store.HasAccessAsync(conversationId, userId, ct);

    public Task<IReadOnlyList<string>> MembersOfAsync(string conversationId, CancellationToken ct) => store.MembersOfAsync(conversationId, ct);

    public Task<IReadOnlyList<HistoryItem>> EventsAsync(string conversationId, string userId, long afterSeq, long beforeSeq, int limit, bool newestFirst, CancellationToken ct) =>
        store.EventsAsync(conversationId, userId, afterSeq, beforeSeq, limit, newestFirst, ct);

    public Task<IReadOnlyList<ConversationSummary>> ConversationsOfAsync(string userId, CancellationToken ct) => store.ConversationsOfAsync(userId, ct);

    public Task<ConversationSummary?> ConversationAsync(string conversationId, string userId, CancellationToken ct) => store.ConversationAsync(conversationId, userId, ct);

    public Task<IReadOnlyList<string>> ContactsOfAsync(string userId, CancellationToken ct) => store.ContactsOfAsync(userId, ct);

    public Task<IReadOnlyList<ReadableRange>> ReadableRangesAsync(string userId, CancellationToken ct) => store.ReadableRangesAsync(userId, ct);
}
