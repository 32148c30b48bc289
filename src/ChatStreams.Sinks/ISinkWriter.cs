namespace ChatStreams.Sinks;

/// <summary>
/// Where a sink lands its records. <see cref="WriteAsync"/> must be durable when it returns (the runner commits the
/// batch's offsets right after) and idempotent (after a crash between write and commit the same records come again).
/// Throwing means nothing may be assumed written: the runner retries the whole batch.
/// </summary>
public interface ISinkWriter<T>
{
    Task WriteAsync(IReadOnlyList<T> batch, CancellationToken ct);

    /// <summary>
    /// Partitions were assigned to this sink (at start, or after a rebalance moved some here): another instance may
    /// have written their records meanwhile, so anything the writer remembers about the store is forgotten. Called on
    /// the thread that calls <see cref="WriteAsync"/>, between batches.
    /// </summary>
    void OnPartitionsAssigned() { }
}
