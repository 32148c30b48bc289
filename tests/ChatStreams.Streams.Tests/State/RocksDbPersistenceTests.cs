using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Tests.State;

/// <summary>What only the RocksDB stores do: files on disk that outlive a close, and their directory handling.</summary>
public sealed class RocksDbPersistenceTests : IDisposable
{
    private readonly TestStoreContext _context = new();

    public void Dispose() => _context.Dispose();

    private IKeyValueStore<string, long> Counts(TestStoreContext context)
    {
        var store = Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore("counts"), Serdes.String, Serdes.Long).Build();
        store.Init(context);
        return store;
    }

    [Fact]
    public void The_native_library_loads_and_the_store_lives_in_its_directory()
    {
        var store = Counts(_context);
        store.Put("a", 1);
        Assert.True(store.Persistent);
        Assert.True(RocksDbStoreDirectory.Exists(_context.StateDirectory, "counts"));
        Assert.Equal(Path.Combine(_context.StateDirectory, "rocksdb", "counts"), RocksDbStoreDirectory.PathOf(_context.StateDirectory, "counts"));
        Assert.NotEmpty(Directory.GetFiles(RocksDbStoreDirectory.PathOf(_context.StateDirectory, "counts")));
        store.Close();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Data_survives_close_and_reopen(bool flushBeforeClose)
    {
        var store = Counts(_context);
        for (var i = 0; i < 1_000; i++) store.Put($"k{i:D4}", i);
        store.Delete("k0500");
        if (flushBeforeClose) store.Flush();
        store.Close();

        using var restarted = _context.Reopened();
        var reopened = Counts(restarted);
        Assert.Equal(999, reopened.All().Count());
        Assert.Equal(42, reopened.Get("k0042"));
        Assert.False(reopened.TryGet("k0500", out _));
        Assert.Empty(restarted.Recorded!.Records);
        reopened.Close();
    }

    [Fact]
    public void A_ttl_store_keeps_entries_and_expiry_across_reopen()
    {
        var store = Stores.TtlKeyValueStoreBuilder("dedup", TimeSpan.FromSeconds(1), Serdes.String, Serdes.String, persistent: true).Build();
        store.Init(_context);
        store.Put("a", "1", 1_000);
        store.Put("b", "2", 5_000);
        store.Close();

        using var restarted = _context.Reopened();
        var reopened = Stores.TtlKeyValueStoreBuilder("dedup", TimeSpan.FromSeconds(1), Serdes.String, Serdes.String, persistent: true).Build();
        reopened.Init(restarted);
        Assert.True(reopened.TryGet("b", 5_500, out _));
        Assert.Equal(1, reopened.PurgeExpired(3_000));
        Assert.Equal(["b"], reopened.All().Select(e => e.Key));
        reopened.Close();
    }

    [Fact]
    public void Wipe_removes_the_local_state()
    {
        var store = Counts(_context);
        store.Put("a", 1);
        store.Close();

        RocksDbStoreDirectory.Wipe(_context.StateDirectory, "counts");
        Assert.False(RocksDbStoreDirectory.Exists(_context.StateDirectory, "counts"));
        RocksDbStoreDirectory.Wipe(_context.StateDirectory, "counts"); // absent: no error

        using var restarted = _context.Reopened();
        var reopened = Counts(restarted);
        Assert.Empty(reopened.All());
        reopened.Close();
    }

    [Fact]
    public void A_second_open_of_the_same_directory_fails_with_a_clear_message()
    {
        var store = Counts(_context);
        try
        {
            var e = Assert.Throws<ProcessorStateException>(() => Counts(_context));
            Assert.Contains("'counts'", e.Message);
            Assert.Contains(RocksDbStoreDirectory.PathOf(_context.StateDirectory, "counts"), e.Message);
        }
        finally
        {
            store.Close();
        }
    }

    [Fact]
    public void Separate_stores_of_one_task_do_not_share_data()
    {
        var a = Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore("a"), Serdes.String, Serdes.String).Build();
        var b = Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore("b"), Serdes.String, Serdes.String).Build();
        a.Init(_context);
        b.Init(_context);
        a.Put("k", "in a");
        Assert.Null(b.Get("k"));
        a.Close();
        b.Close();
    }
}
