using ChatStreams.Sinks.Analytics;
using ChatStreams.Sinks.Tests.Support;

namespace ChatStreams.Sinks.Tests.Analytics;

/// <summary>
/// The analytics writer remembers each member's read mark once the store has it, so later batches do not look it up;
/// a failed write leaves nothing remembered, and partitions assigned again make it look the marks up again.
/// </summary>
public sealed class AnalyticsReadMarksTests
{
    /// <summary>Keeps the receipts written; its read seqs are theirs. Counts lookups; can fail the next write.</summary>
    private sealed class ReceiptsStore : IAnalyticsStore
    {
        private readonly List<ReceiptRow> _receipts = [];
        public List<(string ConversationId, string UserId)> LookedUp { get; } = [];
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
        public Task<IReadOnlyDictionary<string, PresenceSessionRow>> LatestPresenceSessionsAsync(IReadOnlyCollection<string> userIds, CancellationToken ct) =>
            Task.FromResult<IReadOnlyDictionary<string, PresenceSessionRow>>(new Dictionary<string, PresenceSessionRow>());
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
}
