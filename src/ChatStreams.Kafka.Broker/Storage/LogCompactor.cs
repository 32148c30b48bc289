using ChatStreams.Kafka.Broker.Records;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// One compaction run over a snapshot of a log's segments (Kafka's log cleaner, single pass per run):
/// plan (transactions, first uncleanable offset), build the key -> latest offset map over the cleanable
/// segments, then rewrite them group by group into *.cleaned files that the log swaps in.
/// </summary>
internal sealed class LogCompactor(string directory, LogConfig config, long nowMs, ILogger logger)
{
    public sealed record CompactionPlan(IReadOnlyList<LogSegment> Cleanable, long FirstUncleanableOffset, long LogStartOffset, TransactionSummary Transactions);

    public sealed record Outcome(CompactionResult Result, long NextDeleteHorizonMs);

    /// <summary>
    /// Cleanable segments: before the active one, wholly below the first open transaction and older than
    /// min.compaction.lag.ms (all by whole segments, like Kafka's first uncleanable offset).
    /// </summary>
    public CompactionPlan Plan(LogSegment[] segments, long logEndOffset, long logStartOffset)
    {
        var transactions = new TransactionSummary();
        foreach (var segment in segments)
            ForEachBatch(segment, (in RecordBatchHeader header, ReadOnlySpan<byte> batch) =>
            {
                if (header.BaseOffset >= logEndOffset) return;
                ControlRecord? marker = header.IsControl && header.RecordCount > 0 ? RecordReader.ReadControlRecord(batch) : null;
                transactions.OnBatch(header, marker);
            }, needBytes: header => header.IsControl);

        long limit = Math.Min(segments[^1].BaseOffset, transactions.FirstUnstableOffset);
        if (config.MinCompactionLagMs > 0)
            foreach (var segment in segments)
                if (segment.MaxTimestamp > nowMs - config.MinCompactionLagMs)
                {
                    limit = Math.Min(limit, segment.BaseOffset);
                    break;
                }

        var cleanable = new List<LogSegment>();
        for (int i = 0; i + 1 < segments.Length && segments[i + 1].BaseOffset <= limit; i++) cleanable.Add(segments[i]);
        return new CompactionPlan(cleanable, limit, logStartOffset, transactions);
    }

    /// <summary>Rewrites the cleanable segments; <paramref name="swapIn"/> installs each finished group (old segments, swap file path).</summary>
    public Outcome Clean(CompactionPlan plan, Action<IReadOnlyList<LogSegment>, string> swapIn)
    {
        var latest = BuildOffsetMap(plan);
        var state = new RewriteState(plan, latest, nowMs, nowMs + config.DeleteRetentionMs);
        long bytesBefore = 0, bytesAfter = 0;
        int written = 0;
        foreach (var group in Group(plan.Cleanable))
        {
            foreach (var segment in group) bytesBefore += segment.Size;
            var cleanedPath = SegmentFiles.Path(directory, group[0].BaseOffset, SegmentFiles.Log + SegmentFiles.Cleaned);
            using (var output = new FileStream(cleanedPath, FileMode.Create, FileAccess.Write, FileShare.None, 1024 * 1024))
            {
                foreach (var segment in group)
                    ForEachBatch(segment, (in RecordBatchHeader header, ReadOnlySpan<byte> batch) => state.Rewrite(header, batch, output), needBytes: _ => true);
                output.Flush(flushToDisk: true);
                bytesAfter += output.Length;
            }
            var swapPath = SegmentFiles.Path(directory, group[0].BaseOffset, SegmentFiles.Log + SegmentFiles.Swap);
            File.Move(cleanedPath, swapPath, overwrite: true);
            DirectorySync.Flush(directory);
            swapIn(group, swapPath);
            written++;
        }

        if (state.KeylessRecords > 0)
            logger.LogWarning("Compaction of {Directory} removed {Count} records without a key (a compacted topic keeps records by key)", directory, state.KeylessRecords);
        var result = new CompactionResult(plan.Cleanable.Count, written, bytesBefore, bytesAfter, state.RecordsRemoved, state.BatchesRemoved, plan.FirstUncleanableOffset);
        return new Outcome(result, state.NextDeleteHorizonMs);
    }

    /// <summary>Latest offset of every key in the cleanable segments, ignoring aborted transactional data.</summary>
    private Dictionary<byte[], long> BuildOffsetMap(CompactionPlan plan)
    {
        var latest = new Dictionary<byte[], long>(KeyComparer.Instance);
        var lookup = latest.GetAlternateLookup<ReadOnlySpan<byte>>();
        foreach (var segment in plan.Cleanable)
            ForEachBatch(segment, (in RecordBatchHeader header, ReadOnlySpan<byte> batch) =>
            {
                if (header.IsControl || header.RecordCount == 0) return;
                if (header.IsTransactional && plan.Transactions.IsAborted(header.ProducerId, header.BaseOffset)) return;
                using var reader = RecordReader.Open(batch);
                while (reader.TryRead(out var record))
                    if (record.HasKey) lookup[record.Key] = record.Offset;
            }, needBytes: header => !header.IsControl && header.RecordCount > 0);
        return latest;
    }

    /// <summary>Consecutive segments merged while the result stays under segment.bytes and within int32 relative offsets.</summary>
    private IEnumerable<List<LogSegment>> Group(IReadOnlyList<LogSegment> segments)
    {
        var group = new List<LogSegment>();
        long size = 0;
        foreach (var segment in segments)
        {
            bool fits = group.Count == 0 ||
                (size + segment.Size <= config.SegmentBytes && segment.NextOffset - 1 - group[0].BaseOffset <= int.MaxValue);
            if (!fits)
            {
                yield return group;
                group = [];
                size = 0;
            }
            group.Add(segment);
            size += segment.Size;
        }
        if (group.Count > 0) yield return group;
    }

    private delegate void BatchVisitor(in RecordBatchHeader header, ReadOnlySpan<byte> batch);

    private static void ForEachBatch(LogSegment segment, BatchVisitor visit, Func<RecordBatchHeader, bool> needBytes)
    {
        if (!segment.TryAcquire()) throw new InvalidOperationException($"Segment {segment.LogPath} was retired during compaction.");
        try
        {
            using var scanner = new BatchScanner(segment, 0, segment.Size, 1024 * 1024);
            ScanStep step;
            while ((step = scanner.MoveNext()) == ScanStep.Batch)
            {
                var header = scanner.Header;
                visit(header, needBytes(header) ? scanner.CurrentBatch : default);
            }
            if (step == ScanStep.Invalid)
                throw new CorruptRecordException($"Segment {segment.LogPath} is corrupt at byte {scanner.Position}: {scanner.Problem}.");
        }
        finally
        {
            segment.Release();
        }
    }
}
