using ChatStreams.Kafka.Broker.Records;
using Microsoft.Win32.SafeHandles;

namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// One segment: a .log file of whole batches plus its offset and time indexes. Appends come from one thread
/// at a time (the log's lock); reads use positional I/O and may run at any time. The segment counts its
/// readers so that retention or compaction can retire it without closing the file under a reader.
/// </summary>
internal sealed class LogSegment
{
    private readonly SafeFileHandle _handle;
    private long _size;
    private long _nextOffset;
    private long _maxTimestamp = -1;
    private long _maxTimestampBatchOffset = -1;
    private long _bytesSinceIndexEntry;
    private int _references = 1;
    private bool _deleteOnClose;

    private LogSegment(string directory, long baseOffset, SafeFileHandle handle, long size)
    {
        Directory = directory;
        BaseOffset = baseOffset;
        LogPath = SegmentFiles.Path(directory, baseOffset, SegmentFiles.Log);
        _handle = handle;
        _size = size;
        _nextOffset = baseOffset;
        Index = new OffsetIndex(SegmentFiles.Path(directory, baseOffset, SegmentFiles.Index), baseOffset);
        TimeIndex = new TimeIndex(SegmentFiles.Path(directory, baseOffset, SegmentFiles.TimeIndex), baseOffset);
    }

    public string Directory { get; }
    public long BaseOffset { get; }
    public string LogPath { get; private set; }
    public OffsetIndex Index { get; }
    public TimeIndex TimeIndex { get; }

    /// <summary>Committed bytes: readers never look past this.</summary>
    public long Size => Volatile.Read(ref _size);

    /// <summary>The offset after the last batch; BaseOffset when empty.</summary>
    public long NextOffset => Volatile.Read(ref _nextOffset);

    public bool IsEmpty => Size == 0;

    /// <summary>Largest batch MaxTimestamp in the segment, -1 when none.</summary>
    public long MaxTimestamp => Volatile.Read(ref _maxTimestamp);

    /// <summary>Base offset of the first batch carrying <see cref="MaxTimestamp"/>; -1 when not known (loaded from the index).</summary>
    public long MaxTimestampBatchOffset => Volatile.Read(ref _maxTimestampBatchOffset);

    /// <summary>When the segment took its first batch (broker clock, ms); segment.ms counts from here.</summary>
    public long RollingTimestampMs { get; set; } = -1;

    public static LogSegment Create(string directory, long baseOffset)
    {
        var path = SegmentFiles.Path(directory, baseOffset, SegmentFiles.Log);
        var handle = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var segment = new LogSegment(directory, baseOffset, handle, 0);
        segment.Index.Reset();
        segment.TimeIndex.Reset();
        return segment;
    }

    /// <summary>Opens an existing .log file; the caller then loads or rebuilds the indexes.</summary>
    public static LogSegment Open(string directory, long baseOffset)
    {
        var path = SegmentFiles.Path(directory, baseOffset, SegmentFiles.Log);
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        return new LogSegment(directory, baseOffset, handle, RandomAccess.GetLength(handle));
    }

    /// <summary>Writes batches whose offsets are already assigned, then indexes them and publishes the new size.</summary>
    public void Append(ReadOnlySpan<byte> batches, int indexIntervalBytes)
    {
        long start = _size;
        try
        {
            RandomAccess.Write(_handle, batches, start);
        }
        catch
        {
            // Keep the file ending at the last whole batch so a retry (or recovery) does not meet a torn write.
            try { RandomAccess.SetLength(_handle, start); } catch (IOException) { }
            throw;
        }
        foreach (var batch in RecordBatches.Split(batches))
            Track(batch.Header, start + batch.Position, indexIntervalBytes);
        Volatile.Write(ref _size, start + batches.Length);
    }

    /// <summary>Accounts for a batch at <paramref name="position"/>: indexes, max timestamp, next offset.</summary>
    public void Track(in RecordBatchHeader header, long position, int indexIntervalBytes)
    {
        if (header.MaxTimestamp > _maxTimestamp)
        {
            Volatile.Write(ref _maxTimestampBatchOffset, header.BaseOffset);
            Volatile.Write(ref _maxTimestamp, header.MaxTimestamp);
        }
        if (RollingTimestampMs < 0 && header.MaxTimestamp >= 0) RollingTimestampMs = header.MaxTimestamp;

        if (position > 0 && _bytesSinceIndexEntry >= indexIntervalBytes &&
            (Index.Last is not { } last || header.BaseOffset - BaseOffset > last.RelativeOffset))
        {
            Index.Append(header.BaseOffset, position);
            if (_maxTimestamp > TimeIndex.LastTimestamp) TimeIndex.Append(_maxTimestamp, header.BaseOffset);
            _bytesSinceIndexEntry = 0;
        }
        _bytesSinceIndexEntry += header.TotalSize;
        Volatile.Write(ref _nextOffset, header.NextOffset);
    }

    /// <summary>Reads up to destination.Length bytes at <paramref name="position"/>; fewer only at end of file.</summary>
    public int ReadAt(long position, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int read = RandomAccess.Read(_handle, destination[total..], position + total);
            if (read == 0) break;
            total += read;
        }
        return total;
    }

    public void FlushToDisk() => RandomAccess.FlushToDisk(_handle);

    public void FlushIndexes(bool toDisk)
    {
        Index.Flush(toDisk);
        TimeIndex.Flush(toDisk);
    }

    /// <summary>Cuts the file at <paramref name="position"/> (recovery only, before anyone reads).</summary>
    public void TruncateTo(long position)
    {
        RandomAccess.SetLength(_handle, position);
        Volatile.Write(ref _size, position);
    }

    /// <summary>Forgets indexes and counters before a rebuild scan (recovery only).</summary>
    public void ResetTracking()
    {
        Index.Reset();
        TimeIndex.Reset();
        _maxTimestamp = -1;
        _maxTimestampBatchOffset = -1;
        _bytesSinceIndexEntry = 0;
        _nextOffset = BaseOffset;
    }

    /// <summary>Continues tracking after loaded indexes: the scan of the tail resumes index spacing from here.</summary>
    public void ResumeTracking(long maxTimestampBeforeTail, long bytesSinceIndexEntry)
    {
        _maxTimestamp = maxTimestampBeforeTail;
        _maxTimestampBatchOffset = -1;
        _bytesSinceIndexEntry = bytesSinceIndexEntry;
    }

    /// <summary>Sets the max-timestamp batch found by a full scan (MaxTimestamp lookups after a restart).</summary>
    public void SetMaxTimestampBatch(long timestamp, long batchOffset)
    {
        Volatile.Write(ref _maxTimestampBatchOffset, batchOffset);
        Volatile.Write(ref _maxTimestamp, timestamp);
    }

    public bool TryAcquire()
    {
        while (true)
        {
            int current = Volatile.Read(ref _references);
            if (current <= 0) return false;
            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current) return true;
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0) CloseFiles();
    }

    /// <summary>
    /// Takes the segment out of the log. With <paramref name="delete"/>, its files are renamed to *.deleted at
    /// once (freeing the names for a compaction swap) and removed when the last reader releases it.
    /// </summary>
    public void Retire(bool delete)
    {
        if (delete) RenameToDeleted();
        Release();
    }

    /// <summary>
    /// Renames the files to *.deleted while readers keep using the open handle; they are removed when the
    /// last reference goes. A compaction swap renames first and releases after publishing the new segment.
    /// </summary>
    public void RenameToDeleted()
    {
        if (_deleteOnClose) return;
        _deleteOnClose = true;
        var deletedPath = LogPath + SegmentFiles.Deleted;
        File.Move(LogPath, deletedPath, overwrite: true);
        LogPath = deletedPath;
        Index.MoveTo(Index.FilePath + SegmentFiles.Deleted);
        TimeIndex.MoveTo(TimeIndex.FilePath + SegmentFiles.Deleted);
    }

    /// <summary>Rebuilds both indexes and the counters from a header scan (compaction output, missing indexes).</summary>
    public void RebuildIndexes(int indexIntervalBytes)
    {
        ResetTracking();
        using var scanner = new BatchScanner(this, 0, Size, 1024 * 1024);
        ScanStep step;
        while ((step = scanner.MoveNext()) == ScanStep.Batch)
            Track(scanner.Header, scanner.Position, indexIntervalBytes);
        if (step == ScanStep.Invalid)
            throw new CorruptRecordException($"Segment {LogPath} is corrupt at byte {scanner.Position}: {scanner.Problem}.");
        FlushIndexes(toDisk: true);
    }

    private void CloseFiles()
    {
        Index.Dispose();
        TimeIndex.Dispose();
        _handle.Dispose();
        if (!_deleteOnClose) return;
        File.Delete(LogPath);
        File.Delete(Index.FilePath + SegmentFiles.Deleted);
        File.Delete(TimeIndex.FilePath + SegmentFiles.Deleted);
    }
}
