using System.Buffers.Binary;
using System.Text;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Tests.State;

/// <summary>Behaviour of TTL stores (dedup windows, presence), run for the in-memory and the RocksDB kind.</summary>
public abstract class TtlKeyValueStoreContractTests : IDisposable
{
    private static readonly TimeSpan Retention = TimeSpan.FromSeconds(10);
    private readonly TestStoreContext _context = new();
    private readonly List<IStateStore> _opened = [];

    protected abstract bool Persistent { get; }

    public void Dispose()
    {
        foreach (var store in _opened) store.Close();
        _context.Dispose();
    }

    private ITtlKeyValueStore<string, string> Open(TestStoreContext? context = null, string name = "dedup")
    {
        var store = Stores.TtlKeyValueStoreBuilder(name, Retention, Serdes.String, Serdes.String, Persistent).Build();
        store.Init(context ?? _context);
        _opened.Add(store);
        return store;
    }

    private static string Text(byte[] b) => Encoding.UTF8.GetString(b);

    [Fact]
    public void An_entry_is_readable_until_timestamp_plus_retention()
    {
        var store = Open();
        store.Put("m1", "seen", timestampMs: 1_000);
        Assert.True(store.TryGet("m1", 1_000, out var v));
        Assert.Equal("seen", v);
        Assert.True(store.TryGet("m1", 10_999, out _));
        Assert.False(store.TryGet("m1", 11_000, out _));
        Assert.False(store.TryGet("m1", 50_000, out _));
        Assert.False(store.TryGet("other", 1_000, out _));
        Assert.Equal(Retention, store.Retention);
    }

    [Fact]
    public void Purge_removes_exactly_the_expired_entries_and_logs_their_tombstones()
    {
        var store = Open();
        store.Put("old", "1", 1_000);
        store.Put("mid", "2", 5_000);
        store.Put("new", "3", 9_000);
        _context.Recorded!.Records.Clear();

        Assert.Equal(2, store.PurgeExpired(15_000));

        Assert.Equal([("new", "3", 9_000L)], store.All());
        Assert.Equal([("old", (byte[]?)null), ("mid", null)], _context.Recorded.Records.Select(r => (Text(r.Key), r.Value)));
        Assert.Equal(0, store.PurgeExpired(15_000));
        Assert.Equal(1, store.PurgeExpired(19_000));
        Assert.Empty(store.All());
    }

    [Fact]
    public void A_rewritten_entry_lives_from_its_new_timestamp()
    {
        var store = Open();
        store.Put("user", "online", 1_000);
        store.Put("user", "away", 8_000);
        Assert.Equal(0, store.PurgeExpired(12_000));   // only the stale index entry of the first write is due
        Assert.True(store.TryGet("user", 12_000, out var v));
        Assert.Equal("away", v);
        Assert.Equal(1, store.PurgeExpired(18_000));
        Assert.False(store.TryGet("user", 12_000, out _));
    }

    [Fact]
    public void A_rewrite_with_an_older_timestamp_expires_at_the_older_time()
    {
        var store = Open();
        store.Put("k", "new", 8_000);
        store.Put("k", "old", 1_000);
        Assert.Equal(1, store.PurgeExpired(12_000));
        Assert.Empty(store.All());
        Assert.Equal(0, store.PurgeExpired(30_000));
    }

    [Fact]
    public void Negative_timestamps_purge_before_positive_ones()
    {
        var store = Open();
        store.Put("neg", "a", -20_000);
        store.Put("pos", "b", 1_000);
        Assert.Equal(1, store.PurgeExpired(0));
        Assert.Equal(["pos"], store.All().Select(e => e.Key));
    }

    [Fact]
    public void The_changelog_value_is_the_write_timestamp_then_the_value()
    {
        var store = Open();
        _context.CurrentRecordTimestampMs = 77;
        store.Put("m1", "seen", 123_456_789);
        var record = Assert.Single(_context.Recorded!.Records);
        Assert.Equal("m1", Text(record.Key));
        Assert.Equal(77, record.Timestamp);
        Assert.Equal(123_456_789, BinaryPrimitives.ReadInt64BigEndian(record.Value));
        Assert.Equal("seen", Text(record.Value![8..]));
    }

    [Fact]
    public void Delete_returns_the_value_and_logs_only_when_something_was_deleted()
    {
        var store = Open();
        store.Put("k", "v", 1_000);
        Assert.Equal("v", store.Delete("k"));
        Assert.Null(store.Delete("k"));
        Assert.Equal([("k", (byte[]?)null)], _context.Recorded!.Records.Skip(1).Select(r => (Text(r.Key), r.Value)));
        Assert.False(store.TryGet("k", 1_000, out _));
        Assert.Equal(0, store.PurgeExpired(100_000));
    }

    [Fact]
    public void A_restored_store_keeps_every_expiry()
    {
        var original = Open();
        original.Put("a", "1", 1_000);
        original.Put("b", "2", 4_000);
        original.Put("c", "3", 7_000);
        original.Put("b", "2b", 6_000);
        original.Delete("c");
        original.Put("d", "4", 2_000);
        original.PurgeExpired(12_500);   // purges a (1 000) and d (2 000)

        using var otherTask = new TestStoreContext();
        var restored = Open(otherTask);
        ((IRestorableStore)restored).Restore(_context.Recorded!.AsRestoreBatch());

        Assert.Equal(original.All().ToList(), restored.All().ToList());
        Assert.Equal([("b", "2b", 6_000L)], restored.All());
        Assert.Empty(otherTask.Recorded!.Records);
        Assert.True(restored.TryGet("b", 15_999, out _));
        Assert.False(restored.TryGet("b", 16_000, out _));
        Assert.Equal(1, restored.PurgeExpired(16_000));
        Assert.Equal([("b", (byte[]?)null)], otherTask.Recorded.Records.Select(r => (Text(r.Key), r.Value)));
    }

    [Fact]
    public void Restoring_a_tombstone_removes_the_entry()
    {
        var store = Open();
        var value = new byte[12];
        BinaryPrimitives.WriteInt64BigEndian(value, 5_000);
        "abcd"u8.CopyTo(value.AsSpan(8));
        ((IRestorableStore)store).Restore([("x"u8.ToArray(), value, 1), ("y"u8.ToArray(), value, 1), ("x"u8.ToArray(), null, 2)]);
        Assert.Equal([("y", "abcd", 5_000L)], store.All());
        Assert.Equal(1, store.PurgeExpired(20_000));   // y; the stale index entry of x removes nothing
    }

    [Fact]
    public void A_changelog_value_without_timestamp_is_refused_with_the_store_name()
    {
        var store = Open(name: "presence");
        var e = Assert.Throws<ProcessorStateException>(() => ((IRestorableStore)store).Restore([("x"u8.ToArray(), [1, 2, 3], 1)]));
        Assert.Contains("'presence'", e.Message);
    }

    [Fact]
    public void Purging_a_large_store_reads_only_what_expired()
    {
        var store = Open();
        for (var i = 0; i < 2_000; i++) store.Put($"k{i:D5}", "v", i);
        Assert.Equal(1_000, store.PurgeExpired(10_000 + 999));
        Assert.Equal(1_000, store.All().Count());
        Assert.Equal("k01000", store.All().First().Key);
    }
}

public sealed class InMemoryTtlKeyValueStoreTests : TtlKeyValueStoreContractTests
{
    protected override bool Persistent => false;
}

public sealed class RocksDbTtlKeyValueStoreTests : TtlKeyValueStoreContractTests
{
    protected override bool Persistent => true;
}
