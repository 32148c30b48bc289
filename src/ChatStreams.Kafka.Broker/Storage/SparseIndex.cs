namespace ChatStreams.Kafka.Broker.Storage;

/// <summary>
/// An append-only sorted index kept in memory for lookups and mirrored to a file of fixed-size entries.
/// One writer (the append path, under the log's lock) and many concurrent readers: the array is published
/// before the count, and entries below the count never change, so readers need no lock.
/// The file is only a cache: when it is missing or does not match the log, the segment rebuilds it.
/// </summary>
internal abstract class SparseIndex<TEntry> : IDisposable where TEntry : struct
{
    private readonly string _path;
    private TEntry[] _entries = new TEntry[16];
    private int _count;
    private FileStream? _writer;

    protected SparseIndex(string path) => _path = path;

    public string FilePath => _path;
    public int Count => Volatile.Read(ref _count);

    protected abstract int EntrySize { get; }
    protected abstract void Encode(in TEntry entry, Span<byte> destination);
    protected abstract TEntry Decode(ReadOnlySpan<byte> source);

    public TEntry? Last
    {
        get
        {
            int count = Count;
            return count == 0 ? null : Volatile.Read(ref _entries)[count - 1];
        }
    }

    public void Append(in TEntry entry)
    {
        Span<byte> bytes = stackalloc byte[EntrySize];
        Encode(entry, bytes);
        Writer().Write(bytes);

        int count = _count;
        if (count == _entries.Length)
        {
            var bigger = new TEntry[_entries.Length * 2];
            Array.Copy(_entries, bigger, count);
            Volatile.Write(ref _entries, bigger);
        }
        _entries[count] = entry;
        Volatile.Write(ref _count, count + 1);
    }

    /// <summary>Index of the last entry for which <paramref name="atOrBelow"/> holds (a prefix predicate), or -1.</summary>
    protected int FindLast<TState>(TState state, Func<TEntry, TState, bool> atOrBelow)
    {
        int count = Count;
        var entries = Volatile.Read(ref _entries);
        int low = 0, high = count - 1, found = -1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            if (atOrBelow(entries[middle], state))
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

    protected TEntry At(int index) => Volatile.Read(ref _entries)[index];

    /// <summary>
    /// Loads the file; false (and nothing loaded) when it is missing, has a partial entry, or
    /// <paramref name="isValidAfter"/> rejects an entry (order, bounds) — the caller rebuilds then.
    /// </summary>
    public bool TryLoad(Func<TEntry, TEntry?, bool> isValidAfter)
    {
        if (!File.Exists(_path)) return false;
        var bytes = File.ReadAllBytes(_path);
        if (bytes.Length % EntrySize != 0) return false;
        var loaded = new TEntry[Math.Max(16, bytes.Length / EntrySize)];
        TEntry? previous = null;
        for (int i = 0; i < bytes.Length / EntrySize; i++)
        {
            var entry = Decode(bytes.AsSpan(i * EntrySize, EntrySize));
            if (!isValidAfter(entry, previous)) return false;
            loaded[i] = entry;
            previous = entry;
        }
        Volatile.Write(ref _entries, loaded);
        Volatile.Write(ref _count, bytes.Length / EntrySize);
        return true;
    }

    /// <summary>Forgets every entry and empties the file (before a rebuild; single-threaded phases only).</summary>
    public void Reset()
    {
        _writer?.Dispose();
        _writer = null;
        Volatile.Write(ref _count, 0);
        using var truncate = new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }

    public void Flush(bool toDisk)
    {
        if (_writer is null) return;
        _writer.Flush(toDisk);
    }

    /// <summary>Renames the file (segment deletion and compaction swaps move indexes with their log).</summary>
    public void MoveTo(string newPath)
    {
        _writer?.Flush();
        _writer?.Dispose();
        _writer = null;
        if (File.Exists(_path)) File.Move(_path, newPath, overwrite: true);
    }

    public void Dispose()
    {
        try
        {
            _writer?.Flush();
        }
        finally
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private FileStream Writer()
    {
        if (_writer is not null) return _writer;
        _writer = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 4096);
        // Entries past the loaded ones (a stale tail) are dropped so the file mirrors memory exactly.
        _writer.SetLength((long)Count * EntrySize);
        _writer.Seek(0, SeekOrigin.End);
        return _writer;
    }
}

/// <summary>Offset index entry: a batch's base offset (relative to the segment) and its byte position.</summary>
internal readonly record struct OffsetPosition(int RelativeOffset, int Position);

/// <summary>
/// Sparse offset index (.index): 8-byte entries (relative offset int32, position int32, big-endian), one per
/// index.interval.bytes of log, each pointing at the start of a batch.
/// </summary>
internal sealed class OffsetIndex(string path, long baseOffset) : SparseIndex<OffsetPosition>(path)
{
    public long BaseOffset { get; } = baseOffset;

    protected override int EntrySize => 8;

    protected override void Encode(in OffsetPosition entry, Span<byte> destination)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(destination, entry.RelativeOffset);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(destination[4..], entry.Position);
    }

    protected override OffsetPosition Decode(ReadOnlySpan<byte> source) => new(
        System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(source),
        System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(source[4..]));

    public void Append(long offset, long position) => Append(new OffsetPosition((int)(offset - BaseOffset), (int)position));

    /// <summary>True when an entry has exactly this offset.</summary>
    public bool Contains(long offset)
    {
        long relative = offset - BaseOffset;
        int index = FindLast(relative, static (entry, target) => entry.RelativeOffset <= target);
        return index >= 0 && At(index).RelativeOffset == relative;
    }

    /// <summary>Position of the last indexed batch whose base offset is at or below <paramref name="offset"/>; 0 when none.</summary>
    public (long Offset, long Position) Lookup(long offset)
    {
        long relative = offset - BaseOffset;
        int index = FindLast(relative, static (entry, target) => entry.RelativeOffset <= target);
        if (index < 0) return (BaseOffset, 0);
        var entry = At(index);
        return (BaseOffset + entry.RelativeOffset, entry.Position);
    }

    public bool TryLoad(long logSize) => TryLoad((entry, previous) =>
        entry.RelativeOffset >= 0 && entry.Position >= 0 && entry.Position < logSize &&
        (previous is not { } p || (entry.RelativeOffset > p.RelativeOffset && entry.Position > p.Position)));
}

/// <summary>Time index entry: the largest timestamp in the segment up to and including the batch at RelativeOffset.</summary>
internal readonly record struct TimestampOffset(long Timestamp, int RelativeOffset);

/// <summary>
/// Sparse time index (.timeindex): 12-byte entries (timestamp int64, relative offset int32). An entry (T, O)
/// says no record up to and including the batch at O has a timestamp above T; entries are written with
/// offset index entries, only when T grows, so both columns increase.
/// </summary>
internal sealed class TimeIndex(string path, long baseOffset) : SparseIndex<TimestampOffset>(path)
{
    public long BaseOffset { get; } = baseOffset;

    protected override int EntrySize => 12;

    protected override void Encode(in TimestampOffset entry, Span<byte> destination)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(destination, entry.Timestamp);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(destination[8..], entry.RelativeOffset);
    }

    protected override TimestampOffset Decode(ReadOnlySpan<byte> source) => new(
        System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(source),
        System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(source[8..]));

    public long LastTimestamp => Last?.Timestamp ?? long.MinValue;

    public void Append(long timestamp, long offset) => Append(new TimestampOffset(timestamp, (int)(offset - BaseOffset)));

    /// <summary>
    /// The offset of the last entry whose timestamp is below <paramref name="timestamp"/>: every record up to
    /// that batch is older, so a search may start there. Null when none.
    /// </summary>
    public long? LastOffsetBefore(long timestamp)
    {
        int index = FindLast(timestamp, static (entry, target) => entry.Timestamp < target);
        return index < 0 ? null : BaseOffset + At(index).RelativeOffset;
    }

    /// <summary>Loads the file; every entry must name a batch the offset index also holds (they are written together).</summary>
    public bool TryLoad(Func<long, bool> isIndexedOffset) => TryLoad((entry, previous) =>
        entry.RelativeOffset >= 0 && isIndexedOffset(BaseOffset + entry.RelativeOffset) &&
        (previous is not { } p || (entry.Timestamp > p.Timestamp && entry.RelativeOffset > p.RelativeOffset)));
}
