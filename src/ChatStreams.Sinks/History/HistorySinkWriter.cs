namespace ChatStreams.Sinks.History;

/// <summary>Lands a batch in the history store: events and receipts of the batch in one atomic, idempotent write.</summary>
public sealed class HistorySinkWriter(IHistoryWriter store) : ISinkWriter<HistoryRecord>
{
    public const string SinkName = "history";

    public Task WriteAsync(IReadOnlyList<HistoryRecord> batch, CancellationToken ct) =>
        store.ApplyAsync(
            batch.OfType<HistoryEventRecord>().Select(r => r.Event).ToList(),
            batch.OfType<HistoryReceiptRecord>().Select(r => r.Receipt).ToList(),
            ct);
}
