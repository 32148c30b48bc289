using System.Buffers;
using ChatStreams.Kafka.Broker.Records;

namespace ChatStreams.Kafka.Broker.Storage;

public sealed partial class PartitionLog
{
    /// <summary>
    /// Whole batches starting with the one that holds <paramref name="offset"/> (or the next one, past a gap
    /// left by compaction), up to <paramref name="maxBytes"/> in total but always the first batch even if larger,
    /// never a batch whose base offset is at or past <paramref name="maxOffsetExclusive"/> (pass the high
    /// watermark or the last stable offset). Throws <see cref="OffsetOutOfRangeException"/> when the offset is
    /// below the log start or above the log end.
    /// </summary>
    public FetchSlice Read(long offset, int maxBytes, long maxOffsetExclusive)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _closed), this);
        long logEnd = LogEndOffset;
        long logStart = LogStartOffset;
        if (offset < logStart || offset > logEnd) throw new OffsetOutOfRangeException(offset, logStart, logEnd);
        long limit = Math.Min(maxOffsetExclusive, logEnd);
        if (offset >= limit) return FetchSlice.Empty;

        var segments = Volatile.Read(ref _segments);
        byte[]? buffer = null;
        int length = 0, batches = 0;
        long firstOffset = -1, nextOffset = -1;
        try
        {
            for (int i = FindSegment(segments, offset); i < segments.Length; i++)
            {
                var segment = segments[i];
                if (!segment.TryAcquire())
                {
                    // Retention or compaction replaced it after we took the list; start over on the new list.
                    if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
                    return Read(offset, maxBytes, maxOffsetExclusive);
                }
                bool done;
                try
                {
                    done = ReadSegment(segment, offset, limit, maxBytes, ref buffer, ref length, ref batches, ref firstOffset, ref nextOffset);
                }
                finally
                {
                    segment.Release();
                }
                if (done) break;
            }
        }
        catch
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        if (batches == 0)
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
            return FetchSlice.Empty;
        }
        return new FetchSlice(buffer, length, batches, firstOffset, nextOffset);
    }

    /// <summary>Adds this segment's share of a read; true when the read is complete (a limit was hit).</summary>
    private static bool ReadSegment(LogSegment segment, long offset, long limit, int maxBytes,
        ref byte[]? buffer, ref int length, ref int batches, ref long firstOffset, ref long nextOffset)
    {
        long end = segment.Size;
        long start;
        int firstSize;
        using (var scanner = new BatchScanner(segment, segment.Index.Lookup(offset).Position, end, 8192))
        {
            while (true)
            {
                var step = scanner.MoveNext();
                if (step == ScanStep.End) return false;
                if (step == ScanStep.Invalid)
                    throw new CorruptRecordException($"Segment {segment.LogPath} is corrupt at byte {scanner.Position}: {scanner.Problem}.");
                if (scanner.Header.NextOffset > offset) break;
            }
            if (scanner.Header.BaseOffset >= limit) return true;
            start = scanner.Position;
            firstSize = scanner.Header.TotalSize;
        }

        // One read for the whole range, then cut it at batch boundaries in memory.
        int budget = length == 0 ? Math.Max(maxBytes, firstSize) : maxBytes - length;
        if (budget <= 0) return true;
        int want = (int)Math.Min(budget, end - start);
        EnsureCapacity(ref buffer, length, length + want);
        int read = segment.ReadAt(start, buffer.AsSpan(length, want));
        var window = buffer.AsSpan(length, read);

        int used = 0;
        bool limited = false;
        while (used < window.Length)
        {
            if (!RecordBatchHeader.TryParse(window[used..], out var header) || header.TotalSize > window.Length - used)
            {
                limited = true; // the next batch does not fit in the budget
                break;
            }
            if (header.BaseOffset >= limit)
            {
                limited = true;
                break;
            }
            if (firstOffset < 0) firstOffset = header.BaseOffset;
            nextOffset = header.NextOffset;
            used += header.TotalSize;
            batches++;
        }
        length += used;
        return limited || start + read < end;
    }

    private static void EnsureCapacity(ref byte[]? buffer, int used, int needed)
    {
        if (buffer is not null && buffer.Length >= needed) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, 4096));
        if (buffer is not null)
        {
            buffer.AsSpan(0, used).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(buffer);
        }
        buffer = bigger;
    }

    /// <summary>Index of the segment holding <paramref name="offset"/>: the last whose base is at or below it (0 if none).</summary>
    private static int FindSegment(LogSegment[] segments, long offset)
    {
        int low = 0, high = segments.Length - 1, found = 0;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            if (segments[middle].BaseOffset <= offset)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return found;
    }

    /// <summary>
    /// Every batch header from the one holding <paramref name="fromOffset"/> up to the log end as it was when
    /// enumeration began, with transaction markers decoded: what the broker needs to rebuild producer and
    /// transaction state at startup.
    /// </summary>
    public IEnumerable<LogBatch> Batches(long fromOffset)
    {
        long logEnd = LogEndOffset;
        long next = fromOffset;
        var segments = Volatile.Read(ref _segments);
        for (int i = FindSegment(segments, next); i < segments.Length; i++)
        {
            var segment = segments[i];
            if (!segment.TryAcquire())
            {
                // Replaced by compaction or retention meanwhile: continue from the same offset on the new list.
                if (Volatile.Read(ref _closed)) yield break;
                segments = Volatile.Read(ref _segments);
                i = FindSegment(segments, next) - 1;
                continue;
            }
            try
            {
                using var scanner = new BatchScanner(segment, segment.Index.Lookup(next).Position, segment.Size);
                while (true)
                {
                    var step = scanner.MoveNext();
                    if (step == ScanStep.End) break;
                    if (step == ScanStep.Invalid)
                        throw new CorruptRecordException($"Segment {segment.LogPath} is corrupt at byte {scanner.Position}: {scanner.Problem}.");
                    var header = scanner.Header;
                    if (header.BaseOffset >= logEnd) yield break;
                    if (header.NextOffset <= next) continue;
                    ControlRecord? control = header.IsControl && header.RecordCount > 0 ? RecordReader.ReadControlRecord(scanner.CurrentBatch) : null;
                    next = header.NextOffset;
                    yield return new LogBatch(header, segment.BaseOffset, scanner.Position, control);
                }
            }
            finally
            {
                segment.Release();
            }
        }
    }

    /// <summary>
    /// The first record (offset and its timestamp) whose timestamp is at or after <paramref name="timestamp"/>,
    /// at or above the log start; null when no record is that new (ListOffsets by time).
    /// </summary>
    public (long Offset, long Timestamp)? OffsetForTimestamp(long timestamp)
    {
        long logStart = LogStartOffset;
        foreach (var segment in Volatile.Read(ref _segments))
        {
            if (segment.MaxTimestamp < timestamp || segment.IsEmpty) continue;
            if (!segment.TryAcquire()) continue;
            try
            {
                long? from = segment.TimeIndex.LastOffsetBefore(timestamp);
                long position = from is { } o ? segment.Index.Lookup(o).Position : 0;
                using var scanner = new BatchScanner(segment, position, segment.Size);
                while (scanner.MoveNext() == ScanStep.Batch)
                {
                    var header = scanner.Header;
                    if (header.MaxTimestamp < timestamp || header.NextOffset <= logStart || header.RecordCount == 0) continue;
                    using var reader = RecordReader.Open(scanner.CurrentBatch);
                    while (reader.TryRead(out var record))
                        if (record.Timestamp >= timestamp && record.Offset >= logStart)
                            return (record.Offset, record.Timestamp);
                }
            }
            finally
            {
                segment.Release();
            }
        }
        return null;
    }

    /// <summary>Offset and timestamp of the record with the largest timestamp (the first such); (-1, -1) when the log has none.</summary>
    public (long Offset, long Timestamp) MaxTimestamp()
    {
        LogSegment? best = null;
        foreach (var segment in Volatile.Read(ref _segments))
            if (segment.MaxTimestamp >= 0 && (best is null || segment.MaxTimestamp > best.MaxTimestamp))
                best = segment;
        if (best is null || !best.TryAcquire()) return (-1, -1);
        try
        {
            long maxTimestamp = best.MaxTimestamp;
            long batchOffset = best.MaxTimestampBatchOffset;
            long position = batchOffset >= 0 ? best.Index.Lookup(batchOffset).Position : 0;
            using var scanner = new BatchScanner(best, position, best.Size);
            while (scanner.MoveNext() == ScanStep.Batch)
            {
                var header = scanner.Header;
                if (header.MaxTimestamp != maxTimestamp) continue;
                best.SetMaxTimestampBatch(maxTimestamp, header.BaseOffset);
                using var reader = RecordReader.Open(scanner.CurrentBatch);
                while (reader.TryRead(out var record))
                    if (record.Timestamp == maxTimestamp)
                        return (record.Offset, maxTimestamp);
                return (header.LastOffset, maxTimestamp);
            }
            return (-1, -1);
        }
        finally
        {
            best.Release();
        }
    }
}
