using ChatStreams.Kafka.Broker.Records;

namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// Per-batch decisions of a compaction rewrite, carried across segments in log order. A record survives when
/// it is its key's latest (per the offset map), not part of an aborted transaction, and not a tombstone past
/// its batch's delete horizon. A transaction marker survives while any record of its transaction does, then
/// until its delete horizon. Surviving batches keep base offset, lastOffsetDelta and producer fields; an
/// emptied batch is kept only when it is its producer's last data batch (idempotence state), else dropped.
/// </summary>
internal sealed class RewriteState(LogCompactor.CompactionPlan plan, Dictionary<byte[], long> latest, long nowMs, long newHorizonMs)
{
    private readonly Dictionary<byte[], long>.AlternateLookup<ReadOnlySpan<byte>> _latest = latest.GetAlternateLookup<ReadOnlySpan<byte>>();
    private readonly Dictionary<long, bool> _transactionHasSurvivors = new();

    public long RecordsRemoved { get; private set; }
    public long BatchesRemoved { get; private set; }
    public long KeylessRecords { get; private set; }

    /// <summary>Earliest delete horizon still pending among kept tombstones and markers (when the next run has work).</summary>
    public long NextDeleteHorizonMs { get; private set; } = long.MaxValue;

    public void Rewrite(in RecordBatchHeader header, ReadOnlySpan<byte> batch, Stream output)
    {
        if (header.NextOffset <= plan.LogStartOffset)
        {
            Drop(header);
            return;
        }
        if (header.IsControl)
        {
            RewriteMarker(header, batch, output);
            return;
        }

        bool aborted = header.IsTransactional && plan.Transactions.IsAborted(header.ProducerId, header.BaseOffset);
        int kept = 0, tombstones = 0;
        if (!aborted && header.RecordCount > 0)
        {
            using var reader = RecordReader.Open(batch);
            while (reader.TryRead(out var record))
                if (Keeps(header, record, countKeyless: true))
                {
                    kept++;
                    if (record.IsTombstone) tombstones++;
                }
        }
        if (header.IsTransactional)
            _transactionHasSurvivors[header.ProducerId] = kept > 0 || _transactionHasSurvivors.GetValueOrDefault(header.ProducerId);
        RecordsRemoved += header.RecordCount - kept;

        if (tombstones > 0) NextDeleteHorizonMs = Math.Min(NextDeleteHorizonMs, header.DeleteHorizonMs ?? newHorizonMs);
        bool needsHorizon = tombstones > 0 && !header.HasDeleteHorizon;
        if (kept == header.RecordCount && !needsHorizon)
        {
            output.Write(batch);
            return;
        }
        if (kept == 0 && !plan.Transactions.IsLastDataBatchOf(header.ProducerId, header.BaseOffset))
        {
            Drop(header);
            return;
        }

        using var builder = Rebuilder(header, needsHorizon ? newHorizonMs : header.DeleteHorizonMs, empty: kept == 0);
        if (kept > 0)
        {
            using var reader = RecordReader.Open(batch);
            while (reader.TryRead(out var record))
                if (Keeps(header, record, countKeyless: false)) builder.Add(record);
        }
        output.Write(builder.Build());
    }

    private bool Keeps(in RecordBatchHeader header, RecordView record, bool countKeyless)
    {
        if (!record.HasKey)
        {
            if (countKeyless) KeylessRecords++;
            return false;
        }
        if (!_latest.TryGetValue(record.Key, out long latestOffset) || latestOffset != record.Offset) return false;
        return !(record.IsTombstone && header.DeleteHorizonMs is { } horizon && nowMs >= horizon);
    }

    private void RewriteMarker(in RecordBatchHeader header, ReadOnlySpan<byte> batch, Stream output)
    {
        var marker = header.RecordCount > 0 ? RecordReader.ReadControlRecord(batch) : (ControlRecord?)null;
        bool dataSurvives = _transactionHasSurvivors.Remove(header.ProducerId, out bool survivors) && survivors;
        if (marker is not { IsTransactionMarker: true } || dataSurvives)
        {
            output.Write(batch);
            return;
        }
        if (header.DeleteHorizonMs is { } horizon)
        {
            if (nowMs >= horizon)
            {
                RecordsRemoved += header.RecordCount;
                Drop(header);
                return;
            }
            NextDeleteHorizonMs = Math.Min(NextDeleteHorizonMs, horizon);
            output.Write(batch);
            return;
        }

        // First cleaning that finds the transaction's data gone: start the marker's delete horizon.
        NextDeleteHorizonMs = Math.Min(NextDeleteHorizonMs, newHorizonMs);
        using var builder = Rebuilder(header, newHorizonMs, empty: false);
        using var reader = RecordReader.Open(batch);
        while (reader.TryRead(out var record)) builder.Add(record);
        output.Write(builder.Build());
    }

    private static RecordBatchBuilder Rebuilder(in RecordBatchHeader header, long? deleteHorizonMs, bool empty) => new(header.Compression)
    {
        BaseOffset = header.BaseOffset,
        LastOffsetDelta = header.LastOffsetDelta,
        PartitionLeaderEpoch = header.PartitionLeaderEpoch,
        ProducerId = header.ProducerId,
        ProducerEpoch = header.ProducerEpoch,
        BaseSequence = header.BaseSequence,
        IsTransactional = header.IsTransactional,
        IsControl = header.IsControl,
        TimestampType = header.TimestampType,
        DeleteHorizonMs = deleteHorizonMs,
        BaseTimestamp = header.BaseTimestamp,
        // Recomputed from the surviving records, except where it is not a record time (LogAppendTime) or none survive.
        MaxTimestamp = header.TimestampType == TimestampType.LogAppendTime || empty ? header.MaxTimestamp : null,
    };

    private void Drop(in RecordBatchHeader header) => BatchesRemoved++;
}
