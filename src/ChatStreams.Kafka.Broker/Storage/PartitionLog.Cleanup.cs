using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Storage;

public sealed partial class PartitionLog
{
    private long _compactedActiveBase = -1;
    private bool _compactedEverythingCleanable;
    private long _nextDeleteHorizonMs = long.MaxValue;
    private LogConfig? _compactedWith;

    /// <summary>
    /// DeleteRecords: moves the log start to <paramref name="offset"/> (persisted before it takes effect) and
    /// drops every segment wholly below it. Offsets below the new start can no longer be read.
    /// </summary>
    public void DeleteRecordsBefore(long offset)
    {
        lock (_maintenanceLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            long end = LogEndOffset;
            if (offset < 0 || offset > end) throw new OffsetOutOfRangeException(offset, LogStartOffset, end);
            if (offset <= LogStartOffset) return;
            AdvanceLogStart(offset);
            int deleted = DeleteSegmentsBelowLogStart();
            _logger.LogInformation("DeleteRecords moved the start of {Directory} to offset {Offset}; {Segments} segments deleted", _directory, offset, deleted);
        }
    }

    /// <summary>
    /// Retention (cleanup.policy with delete): deletes the oldest segments while their newest record is older
    /// than retention.ms or the log is over retention.bytes without them. Never deletes the active segment.
    /// Returns the number of segments deleted.
    /// </summary>
    public int EnforceRetention()
    {
        lock (_maintenanceLock)
        {
            if (_closed) return 0;
            var config = Config;
            if (!config.Deletes) return 0;
            long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var segments = Volatile.Read(ref _segments);
            long total = 0;
            foreach (var segment in segments) total += segment.Size;

            int drop = 0;
            for (; drop < segments.Length - 1; drop++)
            {
                var segment = segments[drop];
                bool expired = config.RetentionMs >= 0 && NewestTimestamp(segment) < now - config.RetentionMs;
                bool oversize = config.RetentionBytes >= 0 && total - segment.Size >= config.RetentionBytes;
                if (!expired && !oversize) break;
                total -= segment.Size;
            }
            if (drop == 0) return 0;

            long newStart = segments[drop].BaseOffset;
            if (newStart > LogStartOffset) AdvanceLogStart(newStart);
            int deleted = DeleteSegmentsBelowLogStart();
            _logger.LogInformation("Retention deleted {Segments} segments of {Directory}; the log now starts at offset {Offset}", deleted, _directory, LogStartOffset);
            return deleted;
        }
    }

    /// <summary>
    /// Compaction (cleanup.policy with compact) of every segment before the active one, stopping at open
    /// transactions and min.compaction.lag.ms: keeps the latest record per key, drops aborted transactional
    /// records, drops tombstones and transaction markers delete.retention.ms after the first cleaning saw
    /// them, keeps every surviving batch's base offset and lastOffsetDelta, and merges small segments.
    /// </summary>
    public CompactionResult Compact()
    {
        lock (_maintenanceLock)
        {
            if (_closed) return CompactionResult.Skipped("the log is closed");
            var config = Config;
            if (!config.Compacts) return CompactionResult.Skipped("cleanup.policy does not include compact");
            long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var segments = Volatile.Read(ref _segments);
            if (segments.Length < 2) return CompactionResult.Skipped("only the active segment exists");
            if (segments[^1].BaseOffset == _compactedActiveBase && _compactedEverythingCleanable &&
                now < _nextDeleteHorizonMs && ReferenceEquals(config, _compactedWith))
                return CompactionResult.Skipped("nothing new to clean since the last run");

            var compactor = new LogCompactor(_directory, config, now, _logger);
            var plan = compactor.Plan(segments, LogEndOffset, LogStartOffset);
            if (plan.Cleanable.Count == 0) return CompactionResult.Skipped("no segment is below the first uncleanable offset");

            var outcome = compactor.Clean(plan, (group, output) => SwapIn(group, output, config));
            _compactedActiveBase = segments[^1].BaseOffset;
            // Held back by an open transaction or min.compaction.lag.ms: the next run may find more to clean.
            _compactedEverythingCleanable = plan.FirstUncleanableOffset == segments[^1].BaseOffset;
            _nextDeleteHorizonMs = outcome.NextDeleteHorizonMs;
            _compactedWith = config;
            _logger.LogInformation(
                "Compacted {Directory}: {Segments} segments into {Written}, {Before} -> {After} bytes, {Records} records removed, cleaned below offset {Offset}",
                _directory, outcome.Result.SegmentsCleaned, outcome.Result.SegmentsWritten, outcome.Result.BytesBefore, outcome.Result.BytesAfter,
                outcome.Result.RecordsRemoved, outcome.Result.CleanedUpToOffset);
            return outcome.Result;
        }
    }

    /// <summary>
    /// Replaces <paramref name="group"/> with the finished compaction output at <paramref name="swapPath"/>
    /// (named *.log.swap): old files become *.deleted, the swap file becomes the segment's .log, the new segment
    /// list is published, and the old segments go once their readers are done. A crash at any step is
    /// completed on the next open (see LogLoader.CompleteSwaps).
    /// </summary>
    private void SwapIn(IReadOnlyList<LogSegment> group, string swapPath, LogConfig config)
    {
        long baseOffset = group[0].BaseOffset;
        foreach (var old in group) old.RenameToDeleted();
        File.Move(swapPath, SegmentFiles.Path(_directory, baseOffset, SegmentFiles.Log));
        var fresh = LogSegment.Open(_directory, baseOffset);
        fresh.RebuildIndexes(config.IndexIntervalBytes);
        lock (_appendLock)
        {
            var current = _segments;
            int first = Array.IndexOf(current, group[0]);
            var replaced = new List<LogSegment>(current.Length);
            replaced.AddRange(current[..first]);
            replaced.Add(fresh);
            replaced.AddRange(current[(first + group.Count)..]);
            Volatile.Write(ref _segments, replaced.ToArray());
        }
        DirectorySync.Flush(_directory);
        foreach (var old in group) old.Release();
    }

    private void AdvanceLogStart(long offset)
    {
        // Persisted first: after a crash the start must never move back and expose deleted records.
        CheckpointFile.Write(_directory, SegmentFiles.LogStartOffsetCheckpoint, offset);
        Volatile.Write(ref _logStartOffset, offset);
    }

    /// <summary>Deletes segments whose every offset is below the log start; rolls first if that includes the active one.</summary>
    private int DeleteSegmentsBelowLogStart()
    {
        LogSegment[] doomed;
        lock (_appendLock)
        {
            long start = _logStartOffset;
            var segments = _segments;
            int drop = 0;
            while (drop < segments.Length - 1 && segments[drop + 1].BaseOffset <= start) drop++;
            var active = segments[^1];
            if (drop == segments.Length - 1 && !active.IsEmpty && active.NextOffset <= start)
            {
                Roll("the log start passed the active segment");
                segments = _segments;
                drop = segments.Length - 1;
            }
            if (drop == 0) return 0;
            doomed = segments[..drop];
            Volatile.Write(ref _segments, segments[drop..]);
        }
        foreach (var segment in doomed) segment.Retire(delete: true);
        DirectorySync.Flush(_directory);
        return doomed.Length;
    }

    /// <summary>The newest record time in a segment; the file's modification time when it has no timestamps (as Kafka does).</summary>
    private static long NewestTimestamp(LogSegment segment) =>
        segment.MaxTimestamp >= 0
            ? segment.MaxTimestamp
            : new DateTimeOffset(File.GetLastWriteTimeUtc(segment.LogPath)).ToUnixTimeMilliseconds();
}
