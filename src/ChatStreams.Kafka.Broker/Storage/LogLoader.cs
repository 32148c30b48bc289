using ChatStreams.Kafka.Broker.Records;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// Opens a partition directory: finishes or undoes interrupted compaction swaps, loads indexes of segments
/// known to be whole, and after an unclean stop scans the segments past the recovery point batch by batch
/// (length, magic, offsets, CRC), cutting the file at the first torn or corrupt batch.
/// </summary>
internal sealed class LogLoader(string directory, LogConfig config, TimeProvider time, ILogger logger)
{
    public sealed record Loaded(List<LogSegment> Segments, long LogStartOffset, long LogEndOffset);

    public Loaded Load()
    {
        System.IO.Directory.CreateDirectory(directory);
        RemoveLeftovers();
        CompleteSwaps();

        var bases = ListBaseOffsets(SegmentFiles.Log);
        RemoveOrphanIndexes(bases);
        long? checkpointStart = CheckpointFile.Read(directory, SegmentFiles.LogStartOffsetCheckpoint);
        long? recoveryPoint = CheckpointFile.Read(directory, SegmentFiles.RecoveryPointCheckpoint);
        var markerPath = Path.Combine(directory, SegmentFiles.CleanShutdownMarker);
        bool clean = File.Exists(markerPath);
        if (clean)
        {
            // Gone before anything is appended: a crash from here on must not be mistaken for a clean stop.
            File.Delete(markerPath);
            DirectorySync.Flush(directory);
        }

        var segments = new List<LogSegment>();
        if (bases.Count == 0)
        {
            long start = Math.Max(checkpointStart ?? 0, 0);
            segments.Add(LogSegment.Create(directory, start));
            DirectorySync.Flush(directory);
            return new Loaded(segments, start, start);
        }

        bool recoveredAny = false;
        for (int i = 0; i < bases.Count; i++)
        {
            var segment = LogSegment.Open(directory, bases[i]);
            segments.Add(segment);
            long nextBase = i + 1 < bases.Count ? bases[i + 1] : long.MaxValue;
            bool mustRecover = !clean && (recoveryPoint is null || nextBase > recoveryPoint.Value);
            if (!mustRecover && !TryLoadIndexes(segment))
            {
                logger.LogWarning("Indexes of segment {Segment} in {Directory} are missing or stale; rebuilding them", SegmentFiles.Name(segment.BaseOffset), directory);
                mustRecover = true;
            }
            if (!mustRecover) continue;

            recoveredAny = true;
            if (Recover(segment)) continue;
            // A segment was cut short: anything after it follows a hole and cannot be trusted.
            for (int j = i + 1; j < bases.Count; j++)
            {
                logger.LogWarning("Deleting segment {Segment} of {Directory}: it follows a truncated segment", SegmentFiles.Name(bases[j]), directory);
                DeleteSegmentFiles(bases[j]);
            }
            break;
        }

        var active = segments[^1];
        if (active.RollingTimestampMs < 0) active.RollingTimestampMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        long logEnd = active.NextOffset;
        long logStart = Math.Min(Math.Max(checkpointStart ?? segments[0].BaseOffset, segments[0].BaseOffset), logEnd);

        if (recoveredAny)
        {
            foreach (var segment in segments)
            {
                segment.FlushToDisk();
                segment.FlushIndexes(toDisk: true);
            }
        }
        CheckpointFile.Write(directory, SegmentFiles.RecoveryPointCheckpoint, logEnd);
        logger.LogDebug("Opened {Directory}: {Segments} segments, offsets {Start}..{End}, clean={Clean}", directory, segments.Count, logStart, logEnd, clean);
        return new Loaded(segments, logStart, logEnd);
    }

    /// <summary>Loads both index files and scans the tail after the last index entry; false when anything does not match.</summary>
    private bool TryLoadIndexes(LogSegment segment)
    {
        if (!segment.Index.TryLoad(segment.Size) || !segment.TimeIndex.TryLoad(segment.Index.Contains))
        {
            segment.ResetTracking();
            return false;
        }
        var (lastOffset, lastPosition) = segment.Index.Lookup(long.MaxValue);
        segment.ResumeTracking(segment.TimeIndex.Last?.Timestamp ?? -1, 0);

        using var scanner = new BatchScanner(segment, lastPosition, segment.Size);
        bool first = true;
        long expected = segment.BaseOffset;
        while (true)
        {
            var step = scanner.MoveNext();
            if (step == ScanStep.End) break;
            var header = scanner.Header;
            bool indexMatches = !first || lastPosition == 0 || header.BaseOffset == lastOffset;
            if (step == ScanStep.Invalid || !indexMatches || header.BaseOffset < expected)
            {
                segment.ResetTracking();
                return false;
            }
            segment.Track(header, scanner.Position, config.IndexIntervalBytes);
            expected = header.NextOffset;
            first = false;
        }
        if (segment.RollingTimestampMs < 0 && !segment.IsEmpty) segment.RollingTimestampMs = FirstBatchTimestamp(segment);
        return true;
    }

    /// <summary>Rebuilds the segment's indexes from a full scan; returns false when it had to cut the file.</summary>
    private bool Recover(LogSegment segment)
    {
        segment.ResetTracking();
        using var scanner = new BatchScanner(segment, 0, segment.Size, 1024 * 1024);
        long expected = segment.BaseOffset;
        string? problem = null;
        while (true)
        {
            var step = scanner.MoveNext();
            if (step == ScanStep.End) break;
            if (step == ScanStep.Invalid)
            {
                problem = scanner.Problem;
                break;
            }
            var header = scanner.Header;
            if (header.BaseOffset < expected)
            {
                problem = $"base offset {header.BaseOffset} is below the expected {expected}";
                break;
            }
            if (header.LastOffset - segment.BaseOffset > int.MaxValue)
            {
                problem = $"offset {header.LastOffset} is too far from the segment base {segment.BaseOffset}";
                break;
            }
            if (!RecordBatchHeader.HasValidCrc(scanner.CurrentBatch))
            {
                problem = $"the batch at offset {header.BaseOffset} fails its CRC-32C check";
                break;
            }
            segment.Track(header, scanner.Position, config.IndexIntervalBytes);
            expected = header.NextOffset;
        }
        segment.FlushIndexes(toDisk: false);

        if (problem is null) return true;
        long cutAt = scanner.Position;
        long cutBytes = segment.Size - cutAt;
        logger.LogWarning(
            "Recovering {Directory}: segment {Segment} has a torn or corrupt batch at byte {Position} ({Problem}); " +
            "cut {Bytes} bytes. The log now ends at offset {EndOffset}; anything after it was not a whole batch.",
            directory, SegmentFiles.Name(segment.BaseOffset), cutAt, problem, cutBytes, segment.NextOffset);
        segment.TruncateTo(cutAt);
        return false;
    }

    private static long FirstBatchTimestamp(LogSegment segment)
    {
        using var scanner = new BatchScanner(segment, 0, segment.Size, 4096);
        return scanner.MoveNext() == ScanStep.Batch ? scanner.Header.MaxTimestamp : -1;
    }

    private void RemoveLeftovers()
    {
        foreach (var path in System.IO.Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(path);
            if (name.EndsWith(SegmentFiles.Deleted, StringComparison.Ordinal) ||
                name.EndsWith(SegmentFiles.Cleaned, StringComparison.Ordinal) ||
                CheckpointFile.IsTemporary(name))
                File.Delete(path);
        }
    }

    /// <summary>
    /// A .swap file is complete compaction output (written and fsynced before the rename to .swap). Old
    /// segments whose base offsets fall inside its range are replaced by it; then it becomes the .log.
    /// </summary>
    private void CompleteSwaps()
    {
        var swaps = ListBaseOffsets(SegmentFiles.Log + SegmentFiles.Swap);
        foreach (long swapBase in swaps)
        {
            var swapPath = SegmentFiles.Path(directory, swapBase, SegmentFiles.Log + SegmentFiles.Swap);
            long end = EndOffsetOf(swapPath, swapBase);
            foreach (long old in ListBaseOffsets(SegmentFiles.Log))
                if (old >= swapBase && old < Math.Max(end, swapBase + 1))
                    DeleteSegmentFiles(old);
            File.Move(swapPath, SegmentFiles.Path(directory, swapBase, SegmentFiles.Log));
            logger.LogInformation("Completed an interrupted compaction swap of segment {Segment} in {Directory}", SegmentFiles.Name(swapBase), directory);
        }
        if (swaps.Count > 0) DirectorySync.Flush(directory);
    }

    private static long EndOffsetOf(string path, long baseOffset)
    {
        long end = baseOffset;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var header = new byte[RecordBatchLayout.HeaderSize];
        while (stream.Position + RecordBatchLayout.HeaderSize <= stream.Length)
        {
            long position = stream.Position;
            stream.ReadExactly(header);
            var parsed = RecordBatchHeader.Parse(header);
            if (parsed.BatchLength < RecordBatchLayout.MinBatchLength || position + parsed.TotalSize > stream.Length) break;
            end = parsed.NextOffset;
            stream.Position = position + parsed.TotalSize;
        }
        return end;
    }

    private void DeleteSegmentFiles(long baseOffset)
    {
        File.Delete(SegmentFiles.Path(directory, baseOffset, SegmentFiles.Log));
        File.Delete(SegmentFiles.Path(directory, baseOffset, SegmentFiles.Index));
        File.Delete(SegmentFiles.Path(directory, baseOffset, SegmentFiles.TimeIndex));
    }

    private void RemoveOrphanIndexes(List<long> logBases)
    {
        var known = logBases.ToHashSet();
        foreach (var suffix in new[] { SegmentFiles.Index, SegmentFiles.TimeIndex })
            foreach (long orphan in ListBaseOffsets(suffix))
                if (!known.Contains(orphan))
                    File.Delete(SegmentFiles.Path(directory, orphan, suffix));
    }

    private List<long> ListBaseOffsets(string suffix)
    {
        var bases = new List<long>();
        foreach (var path in System.IO.Directory.EnumerateFiles(directory))
            if (SegmentFiles.TryParseBaseOffset(Path.GetFileName(path), suffix, out long baseOffset))
                bases.Add(baseOffset);
        bases.Sort();
        return bases;
    }
}
