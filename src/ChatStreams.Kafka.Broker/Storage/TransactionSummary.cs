using ChatStreams.Kafka.Broker.Records;

namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// What compaction must know about transactions, from one pass over every batch header of the log:
/// each producer's finished transactions (first offset, marker offset, commit or abort), the first offset
/// of any transaction still open (nothing from there on may be cleaned), and each producer's last data
/// batch (kept even when emptied, so idempotent sequence state survives a restart).
/// </summary>
internal sealed class TransactionSummary
{
    public readonly record struct Finished(long FirstOffset, long MarkerOffset, ControlRecordType Outcome);

    private readonly Dictionary<long, List<Finished>> _finished = new();
    private readonly Dictionary<long, long> _open = new();
    private readonly Dictionary<long, long> _lastDataBatch = new();

    /// <summary>Offset of the oldest open transaction's first batch; long.MaxValue when none is open.</summary>
    public long FirstUnstableOffset => _open.Count == 0 ? long.MaxValue : _open.Values.Min();

    public void OnBatch(in RecordBatchHeader header, ControlRecord? marker)
    {
        long producer = header.ProducerId;
        if (header.IsControl)
        {
            if (marker is not { IsTransactionMarker: true } m) return;
            long first = _open.Remove(producer, out long start) ? start : header.BaseOffset;
            if (!_finished.TryGetValue(producer, out var list)) _finished[producer] = list = [];
            list.Add(new Finished(first, header.BaseOffset, m.Type));
            return;
        }
        if (header.IsTransactional) _open.TryAdd(producer, header.BaseOffset);
        if (producer >= 0) _lastDataBatch[producer] = header.BaseOffset;
    }

    /// <summary>True when the transactional batch of <paramref name="producerId"/> at <paramref name="offset"/> was aborted.</summary>
    public bool IsAborted(long producerId, long offset)
    {
        if (!_finished.TryGetValue(producerId, out var list)) return false;
        int low = 0, high = list.Count - 1, found = -1;
        while (low <= high)
        {
            int middle = (low + high) >> 1;
            if (list[middle].MarkerOffset > offset)
            {
                found = middle;
                high = middle - 1;
            }
            else
            {
                low = middle + 1;
            }
        }
        return found >= 0 && list[found].Outcome == ControlRecordType.Abort && list[found].FirstOffset <= offset;
    }

    public bool IsLastDataBatchOf(long producerId, long baseOffset) =>
        producerId >= 0 && _lastDataBatch.TryGetValue(producerId, out long last) && last == baseOffset;
}
