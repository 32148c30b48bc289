namespace ChatStreams.Kafka.Broker.Cluster;

/// <summary>
/// Per-partition transaction bookkeeping: the first offset of every open transaction (it bounds the last
/// stable offset) and the ranges of aborted transactions (read_committed fetches return those that overlap).
/// </summary>
public sealed class PartitionTransactions
{
    private readonly Dictionary<long, long> _openFirstOffset = new();
    private readonly List<AbortedTransaction> _aborted = [];

    public readonly record struct AbortedTransaction(long ProducerId, long FirstOffset, long LastOffset);

    public IReadOnlyCollection<long> OpenProducers => _openFirstOffset.Keys;

    public void OnTransactionalAppend(long producerId, long baseOffset) => _openFirstOffset.TryAdd(producerId, baseOffset);

    /// <summary>Applies a COMMIT or ABORT marker written at <paramref name="markerOffset"/>.</summary>
    public void OnMarker(long producerId, bool commit, long markerOffset)
    {
        if (!_openFirstOffset.Remove(producerId, out var first)) return; // no data in this partition: nothing to hide
        if (!commit) _aborted.Add(new AbortedTransaction(producerId, first, markerOffset));
    }

    /// <summary>The first offset read_committed consumers may not read yet.</summary>
    public long LastStableOffset(long highWatermark)
    {
        var lso = highWatermark;
        foreach (var first in _openFirstOffset.Values) lso = Math.Min(lso, first);
        return lso;
    }

    /// <summary>Aborted transactions that overlap [fromOffset, toOffset).</summary>
    public List<AbortedTransaction> AbortedBetween(long fromOffset, long toOffset)
    {
        var result = new List<AbortedTransaction>();
        foreach (var a in _aborted)
            if (a.FirstOffset < toOffset && a.LastOffset >= fromOffset) result.Add(a);
        return result;
    }

    /// <summary>Forgets aborted ranges that lie wholly below the log start (retention removed them).</summary>
    public void TrimBefore(long logStartOffset) => _aborted.RemoveAll(a => a.LastOffset < logStartOffset);
}
