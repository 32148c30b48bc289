namespace ChatStreams.Notifications.Delivery;

/// <summary>
/// The notifications already handled (delivered, given up on, muted), so a batch replayed after a crash or a
/// rebalance sends nothing twice. Written right after each user's delivery, before the batch's offsets are committed:
/// only a crash between a push and its ledger entry can repeat that push.
/// </summary>
public interface ISentLedger
{
    Task InitializeAsync(CancellationToken ct);

    /// <summary>The keys among <paramref name="keys"/> that are already recorded.</summary>
    Task<IReadOnlySet<NotificationKey>> RecordedAsync(IReadOnlyCollection<NotificationKey> keys, CancellationToken ct);

    /// <summary>Records the keys durably (fsync) with what happened to them.</summary>
    Task RecordAsync(IReadOnlyCollection<NotificationKey> keys, string outcome, DateTimeOffset at, CancellationToken ct);

    /// <summary>Forgets entries recorded before <paramref name="before"/> (older than any replay can reach).</summary>
    Task<int> PruneAsync(DateTimeOffset before, CancellationToken ct);
}
