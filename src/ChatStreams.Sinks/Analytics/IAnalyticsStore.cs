namespace ChatStreams.Sinks.Analytics;

/// <summary>
/// The analytics tables (docs/analytics.md) in one store. Writes are idempotent by each table's natural key: a batch
/// written again after a crash changes no answer of the documented queries. Queries are read-only SQL in the store's
/// dialect.
/// </summary>
public interface IAnalyticsStore : IAsyncDisposable
{
    /// <summary>Where the store lives, without secrets (for logs and chatctl's errors).</summary>
    string Location { get; }

    /// <summary>Creates the database when missing and applies the migrations not applied yet; safe to call from two processes at once.</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>Applies the migrations up to <paramref name="upToVersion"/> not applied yet; returns the versions this call applied.</summary>
    Task<IReadOnlyList<int>> MigrateAsync(int upToVersion, CancellationToken ct);

    /// <summary>The schema versions applied, in order.</summary>
    Task<IReadOnlyList<int>> AppliedMigrationsAsync(CancellationToken ct);

    /// <summary>Writes a batch durably; repeating it changes nothing a documented query returns.</summary>
    Task WriteAsync(AnalyticsBatch batch, CancellationToken ct);

    /// <summary>Kinds ("direct"/"group") of the conversations the store knows among <paramref name="conversationIds"/>.</summary>
    Task<IReadOnlyDictionary<string, string>> ConversationKindsAsync(IReadOnlyCollection<string> conversationIds, CancellationToken ct);

    /// <summary>The highest read seq stored per (conversation, user) among <paramref name="members"/> (missing: nothing read yet).</summary>
    Task<IReadOnlyDictionary<(string ConversationId, string UserId), long>> ReadSeqsAsync(
        IReadOnlyCollection<(string ConversationId, string UserId)> members, CancellationToken ct);

    /// <summary>Each user's latest presence session among <paramref name="userIds"/>, open or closed.</summary>
    Task<IReadOnlyDictionary<string, PresenceSessionRow>> LatestPresenceSessionsAsync(IReadOnlyCollection<string> userIds, CancellationToken ct);

    /// <summary>Runs one read-only statement; writes are refused with <see cref="AnalyticsQueryException"/>.</summary>
    Task<AnalyticsQueryResult> QueryAsync(string sql, CancellationToken ct);
}
