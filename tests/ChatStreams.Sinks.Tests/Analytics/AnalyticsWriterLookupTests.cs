using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Sinks.Tests.Analytics;

/// <summary>
/// The analytics writer remembers each member's read mark and each user's latest presence session once the store has
/// them, so later batches do not look them up; a failed write leaves nothing remembered, and partitions assigned again
/// make it look them up again.
/// </summary>
public sealed class AnalyticsWriterLookupTests
{
    /// <summary>Keeps the receipts and sessions written; its lookups answer from them. Counts lookups; can fail the next write.</summary>
    private sealed class ReceiptsStore : IAnalyticsStore
    {
        private readonly List<ReceiptRow> _receipts = [];
        private readonly Dictionary<(string, long), PresenceSessionRow> _sessions = [];
        public List<(string ConversationId, string UserId)> LookedUp { get; } = [];
        public List<string> SessionsLookedUp { get; } = [];
        public List<MessageReadRow> Reads { get; } = [];
        public bool FailNextWrite { get; set; }

        public string Location => "memory";
        public Task InitializeAsync(CancellationToken ct) => Task.CompletedTask;
        public Task<IReadOnlyList<int>> MigrateAsync(int upToVersion, CancellationToken ct) => Task.FromResult<IReadOnlyList<int>>([]);
        public Task<IReadOnlyList<int>> AppliedMigrationsAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<int>>([]);

        public Task WriteAsync(AnalyticsBatch batch, CancellationToken ct)
        {
            if (FailNextWrite)
            {
                FailNextWrite = false;
                throw new IOException("the store is down");
            }
            _receipts.AddRange(batch.Receipts);
            Reads.AddRange(batch.MessageReads);
            foreach (var session in batch.PresenceSessions)
                if (!_sessions.TryGetValue((session.UserId, session.StartedAtMs), out var stored) || stored.Closed == 0)
                    _sessions[(session.UserId, session.StartedAtMs)] = session; // as the stores' upsert: only an open session changes
            return Task.CompletedTask;
        }

        public Task<IReadOnlyDictionary<(string ConversationId, string UserId), long>> ReadSeqsAsync(
            IReadOnlyCollection<(string ConversationId, string UserId)> members, CancellationToken ct)
        {
            LookedUp.AddRange(members);
            IReadOnlyDictionary<(string, string), long> seqs = _receipts.Where(r => members.Contains((r.ConversationId, r.UserId)))
                .GroupBy(r => (r.ConversationId, r.UserId)).ToDictionary(g => g.Key, g => g.Max(r => r.ReadSeq));
            return Task.FromResult(seqs);
        }

        public Task<IReadOnlyDictionary<string, string>> ConversationKindsAsync(IReadOnlyCollection<string> conversationIds, CancellationToken ct) =>
            Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
        public Task<IReadOnlyDictionary<string, PresenceSessionRow>> LatestPresenceSessionsAsync(IReadOnlyCollection<string> userIds, CancellationToken ct)
        {
            SessionsLookedUp.AddRange(userIds);
            IReadOnlyDictionary<string, PresenceSessionRow> latest = _sessions.Values.Where(r => userIds.Contains(r.UserId))
                .GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => g.MaxBy(r => r.StartedAtMs)!);
            return Task.FromResult(latest);
        }

        public List<PresenceSessionRow> Sessions(string user) => [.. _sessions.Values.Where(r => r.UserId == user).OrderBy(r => r.StartedAtMs)];
        public Task<AnalyticsQueryResult> QueryAsync(string sql, CancellationToken ct) => throw new NotSupportedException();
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static AnalyticsRecord Read(string user, long seq) => new AnalyticsReceiptRecord(ChatEvents.Receipt("c1", user, seq, seq));

    private static long[] ReadSeqs(ReceiptsStore store, string user) =>
        [.. store.Reads.Where(r => r.UserId == user).Select(r => r.Seq).Order()];

    [Fact]
    public async Task A_members_mark_is_looked_up_once_then_remembered_after_each_landed_batch()
    {
        var store = new ReceiptsStore();
        var writer = new AnalyticsSinkWriter(store);

        await writer.WriteAsync([Read("bob", 3)], default);
        await writer.WriteAsync([Read("bob", 5), Read("carol", 2)], default);
        await writer.WriteAsync([Read("bob", 4), Read("carol", 4)], default); // bob's is older: nothing new

        Assert.Equal([("c1", "bob"), ("c1", "carol")], store.LookedUp);
        Assert.Equal([1, 2, 3, 4, 5], ReadSeqs(store, "bob"));
        Assert.Equal([1, 2, 3, 4], ReadSeqs(store, "carol"));
    }

    [Fact]
    public async Task A_batch_that_failed_to_land_is_built_again_from_the_marks_before_it()
    {
        var store = new ReceiptsStore();
        var writer = new AnalyticsSinkWriter(store);
        await writer.WriteAsync([Read("bob", 2)], default);

        store.FailNextWrite = true;
        await Assert.ThrowsAsync<IOException>(() => writer.WriteAsync([Read("bob", 6)], default));
        await writer.WriteAsync([Read("bob", 6)], default); // the runner retries the same batch

        Assert.Equal([1, 2, 3, 4, 5, 6], ReadSeqs(store, "bob"));
    }

    [Fact]
    public async Task Partitions_assigned_again_make_it_look_the_marks_up_again()
    {
        var store = new ReceiptsStore();
        var writer = new AnalyticsSinkWriter(store);
        await writer.WriteAsync([Read("bob", 2)], default);
        // Meanwhile another sink instance owned the partition and landed bob's reads up to 7.
        await new AnalyticsSinkWriter(store).WriteAsync([Read("bob", 7)], default);

        writer.OnPartitionsAssigned();
        await writer.WriteAsync([Read("bob", 8)], default);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], ReadSeqs(store, "bob"));
        Assert.Equal(3, store.LookedUp.Count);
    }

    private static AnalyticsRecord Presence(string user, PresenceStatus status, int second) =>
        AnalyticsScenario.Presence(user, status, ChatEvents.Start.AddSeconds(second));

    [Fact]
    public async Task A_users_latest_session_is_looked_up_once_then_remembered_and_forgotten_when_partitions_are_assigned()
    {
        var store = new ReceiptsStore();
        var writer = new AnalyticsSinkWriter(store);

        await writer.WriteAsync([Presence("bob", PresenceStatus.Online, 0)], default);
        await writer.WriteAsync([Presence("bob", PresenceStatus.Offline, 30), Presence("ann", PresenceStatus.Offline, 31)], default);
        store.FailNextWrite = true;
        await Assert.ThrowsAsync<IOException>(() => writer.WriteAsync([Presence("bob", PresenceStatus.Online, 60)], default));
        await writer.WriteAsync([Presence("bob", PresenceStatus.Online, 60)], default);

        Assert.Equal(["bob", "ann"], store.SessionsLookedUp); // ann has none: that is remembered too
        Assert.Equal([new PresenceSessionRow("bob", Ms(0), Ms(30), 30_000), new PresenceSessionRow("bob", Ms(60), null, null)], store.Sessions("bob"));
        Assert.Empty(store.Sessions("ann"));

        // Another sink instance closed bob's session while it owned the partition.
        await new AnalyticsSinkWriter(store).WriteAsync([Presence("bob", PresenceStatus.Offline, 90)], default);
        writer.OnPartitionsAssigned();
        await writer.WriteAsync([Presence("bob", PresenceStatus.Online, 120)], default);

        Assert.Equal(3, store.Sessions("bob").Count);
        Assert.Equal(new PresenceSessionRow("bob", Ms(60), Ms(90), 30_000), store.Sessions("bob")[1]);
        Assert.Equal(new PresenceSessionRow("bob", Ms(120), null, null), store.Sessions("bob")[2]);
    }

    private static long Ms(int second) => (ChatEvents.Start.AddSeconds(second) - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond;
}
