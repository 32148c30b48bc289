using ChatStreams.Sinks.History;
using chatstreams.v1;

namespace ChatStreams.Edge.History;

/// <summary>
/// What the edge reads about conversations. Membership, events (for resume and gap filling), history pages, the
/// conversation list and contacts come from the history store the history sink writes (<see cref="IHistoryReader"/>:
/// every answer limited to what the asking user may read); the sequencer's decisions and presence come from the live
/// topics. The store trails chat.events by the sink's batch; <see cref="CatchUpAsync"/> and
/// <see cref="WaitForSeqAsync"/> are how a reader waits for it.
/// </summary>
public interface IConversationHistory : IHistoryReader
{
    /// <summary>False until the edge follows chat.events and has read the presence of every user once.</summary>
    bool IsReady { get; }

    /// <summary>
    /// Waits until the history store holds everything in chat.events at the time of the call: what another edge or a
    /// REST call just had decided (a new conversation, a new member) is visible afterwards. False on timeout.
    /// </summary>
    Task<bool> CatchUpAsync(TimeSpan timeout, CancellationToken ct);

    /// <summary>Completes once the store holds the conversation's events up to <paramref name="seq"/>; false on timeout.</summary>
    Task<bool> WaitForSeqAsync(string conversationId, long seq, TimeSpan timeout, CancellationToken ct);

    /// <summary>Starts watching for the sequencer's decision on a command; call before producing it.</summary>
    DecisionWatch WatchDecision(string commandId);

    /// <summary>The latest presence of a user; null when unknown.</summary>
    PresenceChange? PresenceOf(string userId);
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
