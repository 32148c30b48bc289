using System.Buffers;
using System.Buffers.Binary;
using ChatStreams.Kafka.Broker.Records;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// One partition's log in its own directory, laid out like Kafka's: segments of whole record batches named
/// by base offset, with sparse offset and time indexes. Appends are serialized by a lock; reads run
/// concurrently without it. Retention, DeleteRecords and compaction are serialized by a second lock and
/// swap segments in atomically. See docs/embedded-kafka-storage.md.
/// </summary>
public sealed partial class PartitionLog : IDisposable
{
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _appendLock = new();
    private readonly Lock _maintenanceLock = new();
    private readonly GroupCommit _groupCommit;
    private LogSegment[] _segments;
    private long _logEndOffset;
    private long _logStartOffset;
    private LogConfig _config;
    private ITimer? _flushTimer;
    private bool _closed;

    private PartitionLog(string directory, LogConfig config, TimeProvider time, ILogger logger, LogLoader.Loaded loaded, VolumeSync? volume)
    {
        _directory = directory;
        _config = config;
        _time = time;
        _logger = logger;
        _segments = [.. loaded.Segments];
        _logStartOffset = loaded.LogStartOffset;
        _logEndOffset = loaded.LogEndOffset;
        _groupCommit = new GroupCommit(() => LogEndOffset, volume is null ? GroupCommit.Fsync(FsyncActiveSegment) : volume.FlushAsync);
        _groupCommit.MarkDurable(loaded.LogEndOffset);
        ScheduleFlushTimer(config.FlushPolicy);
    }

    /// <summary>
    /// Opens (creating if needed) the log in <paramref name="directory"/>. After an unclean stop the tail is
    /// recovered: every whole batch is kept, a torn or corrupt one and all after it are cut (and logged).
    /// With <paramref name="volume"/>, appends become durable by the data directory's shared syncfs instead of an
    /// fsync of this log's file.
    /// </summary>
    public static PartitionLog Open(string directory, LogConfig config, TimeProvider time, ILogger logger) =>
        Open(directory, config, time, logger, volume: null);

    internal static PartitionLog Open(string directory, LogConfig config, TimeProvider time, ILogger logger, VolumeSync? volume)
    {
        var loaded = new LogLoader(directory, config, time, logger).Load();
        return new PartitionLog(directory, config, time, logger, loaded, volume);
    }

    public string Directory => _directory;

    /// <summary>The first offset still readable (DeleteRecords and retention advance it).</summary>
    public long LogStartOffset => Volatile.Read(ref _logStartOffset);

    /// <summary>The offset the next appended record gets.</summary>
    public long LogEndOffset => Volatile.Read(ref _logEndOffset);

    /// <summary>Every offset below this is known to be on disk.</summary>
    public long DurableOffset => _groupCommit.DurableOffset;

    /// <summary>Bytes in all segments.</summary>
    public long Size
    {
        get
        {
            long total = 0;
            foreach (var segment in Volatile.Read(ref _segments)) total += segment.Size;
            return total;
        }
    }

    public int SegmentCount => Volatile.Read(ref _segments).Length;

    /// <summary>Topic config in force; replace it when the topic's configs change (IncrementalAlterConfigs).</summary>
    public LogConfig Config
    {
        get => Volatile.Read(ref _config);
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            var previous = Interlocked.Exchange(ref _config, value);
            if (previous.FlushPolicy != value.FlushPolicy)
                lock (_appendLock)
                    if (!_closed) ScheduleFlushTimer(value.FlushPolicy);
        }
    }

    /// <summary>fsyncs issued by <see cref="FlushAsync"/> and the flush timer (for tests and metrics).</summary>
    internal long GroupCommitFsyncCount => _groupCommit.FsyncCount;

    /// <summary>Validates a Produce request's records against this log's config, fixing wrong CreateTime max timestamps in place.</summary>
    public RecordValidationResult Validate(Span<byte> records) =>
        RecordBatchValidator.ValidateAndNormalize(records, Config.ValidationOptions);

    /// <summary>
    /// Appends validated batches (one Produce's records field, one or more batches): each gets consecutive
    /// offsets from <see cref="LogEndOffset"/> (its baseOffset rewritten; lastOffsetDelta kept), the given
    /// partition leader epoch if any, and under LogAppendTime the broker's clock as MaxTimestamp (CRC fixed).
    /// Only framing is checked here — call <see cref="Validate"/> first. Throws <see cref="CorruptRecordException"/>
    /// when the bytes are not whole v2 batches.
    /// </summary>
    public AppendResult Append(ReadOnlySpan<byte> batches, int? partitionLeaderEpoch = null)
    {
        if (batches.IsEmpty) throw new CorruptRecordException("There are no record batches to append.");
        int count = 0;
        long offsets = 0;
        foreach (var batch in RecordBatches.Split(batches))
        {
            if (batch.Header.Magic != RecordBatchLayout.CurrentMagic)
                throw new CorruptRecordException($"Batch {count} has magic {batch.Header.Magic}; only record batch v2 can be appended.");
            if (batch.Header.LastOffsetDelta < 0)
                throw new CorruptRecordException($"Batch {count} has a negative lastOffsetDelta.");
            offsets += batch.Header.LastOffsetDelta + 1L;
            count++;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(batches.Length);
        try
        {
            var data = buffer.AsSpan(0, batches.Length);
            batches.CopyTo(data);
            lock (_appendLock)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                var config = Config;
                long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
                var active = ActiveSegmentFor(data.Length, offsets, config, now);
                long first = _logEndOffset;
                long next = first;
                long appendTime = config.MessageTimestampType == TimestampType.LogAppendTime ? now : -1;
                var baseOffsets = new long[count];
                int position = 0;
                for (int i = 0; i < count; i++)
                {
                    var batch = data[position..];
                    int totalSize = RecordBatchLayout.LogOverhead + BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatchLayout.BatchLength..]);
                    batch = batch[..totalSize];
                    RecordBatchBuilder.SetBaseOffset(batch, next);
                    if (partitionLeaderEpoch is { } epoch) RecordBatchBuilder.SetPartitionLeaderEpoch(batch, epoch);
                    if (appendTime >= 0) RecordBatchBuilder.SetLogAppendTime(batch, appendTime);
                    baseOffsets[i] = next;
                    next += BinaryPrimitives.ReadInt32BigEndian(batch[RecordBatchLayout.LastOffsetDelta..]) + 1L;
                    position += totalSize;
                }

                if (active.RollingTimestampMs < 0) active.RollingTimestampMs = now;
                active.Append(data, config.IndexIntervalBytes);
                Volatile.Write(ref _logEndOffset, next);
                return new AppendResult(first, next - 1, appendTime, baseOffsets);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Completes when every offset up to and including <paramref name="upToOffset"/> is on disk. Under
    /// <see cref="FlushMode.EveryAppend"/> concurrent callers share one fsync (group commit); under the other
    /// policies it returns at once (durability then comes from the timer or the OS).
    /// </summary>
    public ValueTask FlushAsync(long upToOffset, CancellationToken ct = default)
    {
        if (Config.FlushPolicy.Mode != FlushMode.EveryAppend) return ValueTask.CompletedTask;
        long target = Math.Min(upToOffset + 1, LogEndOffset);
        var wait = _groupCommit.WaitDurable(target);
        return wait.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(wait.WaitAsync(ct));
    }

    /// <summary>Clean shutdown: fsyncs everything, writes the checkpoints and the clean-shutdown marker, closes files.</summary>
    public void Close()
    {
        lock (_maintenanceLock)
        lock (_appendLock)
        {
            if (_closed) return;
            Volatile.Write(ref _closed, true);
            _flushTimer?.Dispose();
            var segments = _segments;
            foreach (var segment in segments)
            {
                segment.FlushIndexes(toDisk: true);
                segment.FlushToDisk();
            }
            _groupCommit.MarkDurable(_logEndOffset);
            CheckpointFile.Write(_directory, SegmentFiles.LogStartOffsetCheckpoint, _logStartOffset);
            CheckpointFile.Write(_directory, SegmentFiles.RecoveryPointCheckpoint, _logEndOffset);
            File.WriteAllText(Path.Combine(_directory, SegmentFiles.CleanShutdownMarker), "");
            DirectorySync.Flush(_directory);
            foreach (var segment in segments) segment.Retire(delete: false);
        }
    }

    public void Dispose() => Close();

    /// <summary>
    /// Stops like kill -9 would, as far as the files tell: handles closed, no checkpoints, no clean-shutdown
    /// marker, so the next open runs recovery. Tests use it to check crash recovery.
    /// </summary>
    internal void SimulateCrash()
    {
        lock (_maintenanceLock)
        lock (_appendLock)
        {
            if (_closed) return;
            Volatile.Write(ref _closed, true);
            _flushTimer?.Dispose();
            foreach (var segment in _segments) segment.Retire(delete: false);
        }
    }

    /// <summary>The active segment for an append of this size, rolling to a new one first when Kafka would.</summary>
    private LogSegment ActiveSegmentFor(int bytes, long offsets, LogConfig config, long now)
    {
        var active = _segments[^1];
        if (active.IsEmpty) return active;
        string? reason =
            active.Size + bytes > config.SegmentBytes ? "segment.bytes reached" :
            active.Size + bytes > int.MaxValue ? "positions would overflow" :
            active.RollingTimestampMs >= 0 && now - active.RollingTimestampMs >= config.SegmentMs ? "segment.ms elapsed" :
            _logEndOffset + offsets - 1 - active.BaseOffset > int.MaxValue ? "relative offsets would overflow" :
            null;
        return reason is null ? active : Roll(reason);
    }

    /// <summary>Seals the active segment (fsync data and indexes) and starts a new one at the log end. Caller holds the append lock.</summary>
    private LogSegment Roll(string reason)
    {
        var old = _segments[^1];
        old.FlushIndexes(toDisk: true);
        old.FlushToDisk();
        var fresh = LogSegment.Create(_directory, _logEndOffset);
        Volatile.Write(ref _segments, [.. _segments, fresh]);
        DirectorySync.Flush(_directory);
        _groupCommit.MarkDurable(_logEndOffset);
        CheckpointFile.Write(_directory, SegmentFiles.RecoveryPointCheckpoint, _logEndOffset);
        _logger.LogDebug("Rolled {Directory} to a new segment at offset {Offset} ({Reason})", _directory, _logEndOffset, reason);
        return fresh;
    }

    private void FsyncActiveSegment()
    {
        while (true)
        {
            var active = Volatile.Read(ref _segments)[^1];
            if (!active.TryAcquire())
            {
                // Retired by a roll or DeleteRecords meanwhile; rolls fsync the old segment themselves.
                if (Volatile.Read(ref _closed)) return;
                continue;
            }
            try
            {
                active.FlushToDisk();
                return;
            }
            finally
            {
                active.Release();
            }
        }
    }

    private void ScheduleFlushTimer(FlushPolicy policy)
    {
        _flushTimer?.Dispose();
        _flushTimer = null;
        if (policy.Mode != FlushMode.Interval) return;
        var period = TimeSpan.FromMilliseconds(policy.IntervalMs);
        _flushTimer = _time.CreateTimer(static state => ((PartitionLog)state!).FlushOnTimer(), this, period, period);
    }

    private void FlushOnTimer()
    {
        if (_closed) return;
        _groupCommit.WaitDurable(LogEndOffset).ContinueWith(
            static (task, state) => ((PartitionLog)state!)._logger.LogError(task.Exception, "Periodic fsync of {Directory} failed", ((PartitionLog)state!)._directory),
            this, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}
