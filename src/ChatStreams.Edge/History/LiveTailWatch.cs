using System.Collections.Concurrent;
using ChatStreams.Sinks.History;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Edge.History;

/// <summary>
/// Catches the live tail a socket missed. A socket's events arrive through its edge's delivery topic, routed by the
/// fan-out's sessions table; a hole before a later event is filled from history when that event arrives. Only the
/// last events before a pause have no later event to reveal them: the ones routed while the fan-out did not know the
/// socket yet (it had just connected or resumed) or no longer counted it live (its heartbeats were late). This edge
/// follows every decision (its chat.events feed), so for each conversation a socket here follows it knows the seq
/// the socket should reach; when a socket is still short of it <see cref="CheckAfter"/> later and its live path for
/// that conversation has been silent meanwhile, the socket is told to fill up to that seq from history.
/// </summary>
/// <remarks>
/// A socket that keeps receiving the conversation live is only slow, not missing anything: it is checked again later
/// rather than filled, so an overloaded system is not also made to read history for every socket. A fill waits until
/// the history store holds the seq (checked here, so the socket's pump never blocks on it).
/// </remarks>
public sealed class LiveTailWatch(IHistoryReader history, TimeSpan checkAfter, ILogger<LiveTailWatch> logger, EdgeMetrics? metrics = null)
{
    /// <summary>How long a check is retried while history does not hold the seq yet; then the next event or resume fills it.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan HistoryRetry = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, ConcurrentDictionary<ILiveTailFollower, byte>> _followers = new(StringComparer.Ordinal);
    private readonly PriorityQueue<TailCheck, long> _due = new();

    public TimeSpan CheckAfter => checkAfter;

    public bool Enabled => checkAfter > TimeSpan.Zero;

    /// <summary>The socket follows the conversation from now on (it was sent an event of it, or resumed it).</summary>
    public void Follow(string conversationId, ILiveTailFollower follower)
    {
        if (Enabled) _followers.GetOrAdd(conversationId, _ => new()).TryAdd(follower, 0);
    }

    /// <summary>The socket closed.</summary>
    public void Forget(ILiveTailFollower follower, IEnumerable<string> conversationIds)
    {
        foreach (var conversationId in conversationIds)
        {
            if (!_followers.TryGetValue(conversationId, out var set)) continue;
            set.TryRemove(follower, out _);
            // A Follow racing with this removal re-creates the set if needed.
            if (set.IsEmpty) _followers.TryRemove(new KeyValuePair<string, ConcurrentDictionary<ILiveTailFollower, byte>>(conversationId, set));
        }
    }

    /// <summary>
    /// A sequenced event passed by on chat.events (from the edge's feed). <paramref name="newMembers"/> are this edge's
    /// sockets of users the event makes members (a created conversation, an added member): they follow it from now on,
    /// even though no event of it reached them yet.
    /// </summary>
    public void Decided(ChatEvent chatEvent, long nowMs, IEnumerable<ILiveTailFollower> newMembers)
    {
        if (!Enabled || !ChatStreams.Sinks.ChatEventDecoding.TakesPosition(chatEvent)) return;
        foreach (var member in newMembers) Follow(chatEvent.ConversationId, member);
        if (!_followers.ContainsKey(chatEvent.ConversationId)) return;
        lock (_due) _due.Enqueue(new TailCheck(chatEvent.ConversationId, chatEvent.Seq, nowMs), nowMs + (long)checkAfter.TotalMilliseconds);
    }

    /// <summary>The users a sequenced event makes members of its conversation.</summary>
    public static IEnumerable<string> NewMembers(ChatEvent chatEvent) => chatEvent.Payload switch
    {
        ConversationCreated created => created.Members ?? [],
        MemberAdded added => [added.MemberId],
        _ => [],
    };

    /// <summary>Runs the checks that are due; returns how many sockets were told to fill.</summary>
    public async Task<int> SweepAsync(long nowMs, CancellationToken ct)
    {
        var due = new Dictionary<string, TailCheck>(StringComparer.Ordinal);
        lock (_due)
        {
            while (_due.TryPeek(out _, out var at) && at <= nowMs)
            {
                var check = _due.Dequeue();
                // One check per conversation per sweep, for its highest seq (it covers every lower one), since the oldest sighting.
                due[check.ConversationId] = due.TryGetValue(check.ConversationId, out var other)
                    ? new TailCheck(check.ConversationId, Math.Max(check.Seq, other.Seq), Math.Min(check.FirstSeenMs, other.FirstSeenMs))
                    : check;
            }
        }
        var filled = 0;
        foreach (var check in due.Values)
            filled += await RunAsync(check, nowMs, ct);
        return filled;
    }

    private async Task<int> RunAsync(TailCheck check, long nowMs, CancellationToken ct)
    {
        if (!_followers.TryGetValue(check.ConversationId, out var followers)) return 0;
        var quietSince = nowMs - (long)checkAfter.TotalMilliseconds;
        var missing = new List<ILiveTailFollower>();
        var slow = false;
        foreach (var follower in followers.Keys)
        {
            if (follower.Closed)
            {
                // Made to follow by a decision that raced with its close (Forget had run already).
                followers.TryRemove(follower, out _);
                continue;
            }
            if ((follower.SentUpTo(check.ConversationId) ?? 0) >= check.Seq) continue;
            if (follower.LastLiveAtMs(check.ConversationId) is { } live && live > quietSince) slow = true;
            else missing.Add(follower);
        }
        if (slow) Again(check, nowMs + (long)checkAfter.TotalMilliseconds);
        if (missing.Count == 0) return 0;
        if (await history.HeadAsync(check.ConversationId, ct) < check.Seq)
        {
            if (nowMs - check.FirstSeenMs < GiveUpAfter.TotalMilliseconds) Again(check, nowMs + (long)HistoryRetry.TotalMilliseconds);
            else logger.LogWarning("History did not reach seq {Seq} of {Conversation} within {GiveUp}; {Sockets} sockets missing it fill it at their next event or resume.",
                check.Seq, check.ConversationId, GiveUpAfter, missing.Count);
            return 0;
        }
        foreach (var follower in missing) follower.CatchUp(check.ConversationId, check.Seq);
        logger.LogInformation("{Sockets} sockets had not received conversation {Conversation} up to seq {Seq} live {After} after it was decided; filling them from history.",
            missing.Count, check.ConversationId, check.Seq, checkAfter);
        metrics?.LiveTailFilled(missing.Count);
        return missing.Count;
    }

    private void Again(TailCheck check, long atMs)
    {
        lock (_due) _due.Enqueue(check, atMs);
    }

    /// <summary>Conversations followed by at least one socket here (for tests and diagnostics).</summary>
    public int FollowedConversations => _followers.Count;

    private readonly record struct TailCheck(string ConversationId, long Seq, long FirstSeenMs);
}

/// <summary>A socket as the <see cref="LiveTailWatch"/> sees it; the members are safe to call from any thread.</summary>
public interface ILiveTailFollower
{
    /// <summary>The last seq of the conversation this socket was sent; null when none yet.</summary>
    long? SentUpTo(string conversationId);

    /// <summary>When (<see cref="Environment.TickCount64"/>) this socket last got an event of the conversation live; null when never.</summary>
    long? LastLiveAtMs(string conversationId);

    /// <summary>Queue a fill from history up to <paramref name="seq"/> (its pump skips it if live events got there first).</summary>
    void CatchUp(string conversationId, long seq);

    /// <summary>The socket has closed (or is closing).</summary>
    bool Closed { get; }
}
