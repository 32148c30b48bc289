using RocksDbSharp;

namespace ChatStreams.Streams.State;

/// <summary>
/// Bytes store on RocksDB at <see cref="RocksDbStoreDirectory.PathOf"/>. Writes skip RocksDB's write-ahead log, as
/// Kafka Streams' stores do: the changelog topic is the durable copy and the local files a cache the runtime may
/// wipe, and the log cost 6–10 % of the conversation topology's CPU in the load benchmark's profile. What makes that
/// safe is that a checkpoint (which lets a restart trust the local files) is only written after <see cref="Flush"/>
/// moved the memtables into SST files — at a clean close, and under at-least-once before each periodic checkpoint;
/// after a crash, writes newer than the last flush are gone from the files but replayed from the changelog, and
/// under exactly-once the files are wiped anyway.
/// </summary>
internal sealed class RocksDbKeyValueBytesStore(string name) : IKeyValueBytesStore
{
    // Kafka Streams' defaults: many stores share a machine, so keep memtables small.
    private const ulong WriteBufferBytes = 16 * 1024 * 1024;
    private const int WriteBuffers = 3;
    private const int WriteBatchSize = 10_000;
    private const ulong KeptInfoLogs = 3;

    private readonly WriteOptions _writeOptions = new WriteOptions().SetSync(false).DisableWal(1);
    private RocksDb? _db;
    private string _path = "";
    private bool _dirty;

    public string Name { get; } = name;
    public bool Persistent => true;

    public long ApproximateNumEntries
    {
        get
        {
            var db = Db;
            return long.TryParse(db.GetProperty("rocksdb.estimate-num-keys"), out var n) ? n : 0;
        }
    }

    public void Init(IStateStoreContext context)
    {
        if (_db is not null) throw new InvalidStateStoreException($"state store '{Name}' is already open at {_path}");
        _path = RocksDbStoreDirectory.PathOf(context.StateDirectory, Name);
        try
        {
            Directory.CreateDirectory(_path);
            var options = new DbOptions()
                .SetCreateIfMissing(true)
                .SetWriteBufferSize(WriteBufferBytes)
                .SetMaxWriteBufferNumber(WriteBuffers)
                // RocksDB's own info log: a store reopened on every restart would otherwise keep up to 1000 old ones.
                .SetKeepLogFileNum(KeptInfoLogs);
            _db = RocksDb.Open(options, _path);
        }
        catch (Exception e) when (e is RocksDbException or IOException or UnauthorizedAccessException)
        {
            throw new ProcessorStateException(
                $"cannot open RocksDB store '{Name}' at {_path}: {e.Message}. Check that the state directory is writable " +
                "and that no other process (or a second instance with the same StateDirectory) holds this task's state.", e);
        }
    }

    public void Flush()
    {
        var db = Db;
        if (!_dirty) return;
        try { db.Flush(new FlushOptions().SetWaitForFlush(true)); }
        catch (RocksDbException e) { throw Failure("flush", e); }
        _dirty = false;
    }

    /// <summary>
    /// Releases the database. Callers that will trust the files again (a checkpoint) flush first; RocksDB also flushes
    /// unlogged writes when it closes, but a crash would not.
    /// </summary>
    public void Close()
    {
        _db?.Dispose();
        _db = null;
    }

    public byte[]? Get(byte[] key)
    {
        var db = Db;
        try { return db.Get(key); }
        catch (RocksDbException e) { throw Failure("read", e); }
    }

    public void Put(byte[] key, byte[] value)
    {
        var db = Db;
        try { db.Put(key, value, null, _writeOptions); }
        catch (RocksDbException e) { throw Failure("write", e); }
        _dirty = true;
    }

    public byte[]? Delete(byte[] key)
    {
        var db = Db;
        try
        {
            var old = db.Get(key);
            if (old is null) return null;
            db.Remove(key, null, _writeOptions);
            _dirty = true;
            return old;
        }
        catch (RocksDbException e) { throw Failure("delete", e); }
    }

    public void Write(IEnumerable<(byte[] Key, byte[]? Value)> batch)
    {
        var db = Db;
        using var wb = new WriteBatch();
        var pending = 0;
        foreach (var (key, value) in batch)
        {
            if (value is null) wb.Delete(key);
            else wb.Put(key, value);
            if (++pending < WriteBatchSize) continue;
            Commit(db, wb);
            pending = 0;
        }
        if (pending > 0) Commit(db, wb);
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> Scan(KeyRange range) => ChunkedScan.Scan(range, ReadChunk, () => _ = Db);

    private void Commit(RocksDb db, WriteBatch wb)
    {
        try { db.Write(wb, _writeOptions); }
        catch (RocksDbException e) { throw Failure("write", e); }
        wb.Clear();
        _dirty = true;
    }

    private void ReadChunk(byte[]? from, bool fromInclusive, KeyRange range, int max, List<KeyValuePair<byte[], byte[]>> into)
    {
        using var it = Db.NewIterator();
        if (from is null) it.SeekToFirst();
        else it.Seek(from);
        if (!fromInclusive && from is not null && it.Valid() && it.GetKeySpan().SequenceEqual(from)) it.Next();
        for (; it.Valid(); it.Next())
        {
            var key = it.Key();
            if (!range.BelowUpperBound(key)) return;
            into.Add(new KeyValuePair<byte[], byte[]>(key, it.Value()));
            if (into.Count == max) return;
        }
    }

    /// <summary>The open database; a closed handle must never reach native code (it would crash the process).</summary>
    private RocksDb Db => _db ?? throw new InvalidStateStoreException($"state store '{Name}' is not open (not initialized yet, or already closed)");

    private ProcessorStateException Failure(string operation, RocksDbException e) =>
        new($"RocksDB {operation} failed in store '{Name}' at {_path}: {e.Message}", e);
}
