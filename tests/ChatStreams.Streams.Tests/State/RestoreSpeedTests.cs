using System.Buffers.Binary;
using System.Diagnostics;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;
using Xunit.Abstractions;

namespace ChatStreams.Streams.Tests.State;

/// <summary>Restores 100k changelog records into each store kind; prints the speed (not asserted), checks the content.</summary>
[Collection(RestoreSpeedCollection.Name)]
public sealed class RestoreSpeedTests(ITestOutputHelper output) : IDisposable
{
    private const int Entries = 100_000;
    private const int BatchSize = 1_000;   // about what one consumer poll of a changelog hands the runtime
    private readonly TestStoreContext _context = new(withChangelog: false);

    public void Dispose() => _context.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Restoring_100k_key_value_records(bool persistent)
    {
        var supplier = persistent ? Stores.PersistentKeyValueStore("counts") : Stores.InMemoryKeyValueStore("counts");
        var store = Stores.KeyValueStoreBuilder(supplier, Serdes.String, Serdes.Long).Build();
        store.Init(_context);
        var records = Changelog(ts => Serdes.Long.Serialize(ts, default)!);

        var elapsed = Restore((IRestorableStore)store, records);

        Assert.Equal(Entries, store.All().Count());
        Assert.Equal(12_345, store.Get("key-0000012345"));
        Report(persistent ? "RocksDB key-value" : "in-memory key-value", elapsed);
        store.Close();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Restoring_100k_ttl_records(bool persistent)
    {
        var store = Stores.TtlKeyValueStoreBuilder("dedup", TimeSpan.FromHours(24), Serdes.String, Serdes.ByteArray, persistent).Build();
        store.Init(_context);
        var records = Changelog(ts =>
        {
            var v = new byte[8 + 16];
            BinaryPrimitives.WriteInt64BigEndian(v, ts);
            return v;
        });

        var elapsed = Restore((IRestorableStore)store, records);

        Assert.Equal(Entries, store.All().Count());
        Assert.True(store.TryGet("key-0000012345", 12_345, out _));
        Report(persistent ? "RocksDB TTL" : "in-memory TTL", elapsed);
        store.Close();
    }

    private static List<(byte[] Key, byte[]? Value, long Timestamp)> Changelog(Func<long, byte[]> value) =>
        Enumerable.Range(0, Entries).Select(i => (Serdes.String.Serialize($"key-{i:D10}", default)!, (byte[]?)value(i), (long)i)).ToList();

    private static TimeSpan Restore(IRestorableStore store, List<(byte[] Key, byte[]? Value, long Timestamp)> records)
    {
        var watch = Stopwatch.StartNew();
        foreach (var batch in records.Chunk(BatchSize)) store.Restore(batch);
        store.Flush();
        return watch.Elapsed;
    }

    private void Report(string kind, TimeSpan elapsed) =>
        output.WriteLine($"{kind}: restored {Entries:N0} records in {elapsed.TotalMilliseconds:N0} ms = {Entries / elapsed.TotalSeconds:N0} records/s");
}

/// <summary>Runs the speed tests alone, so the printed numbers are not those of a machine shared with other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RestoreSpeedCollection
{
    public const string Name = "restore speed";
}
