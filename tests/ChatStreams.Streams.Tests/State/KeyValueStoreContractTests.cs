using System.Text;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Tests.State;

/// <summary>Behaviour every key-value store kind must share; run once per kind by the subclasses below.</summary>
public abstract class KeyValueStoreContractTests : IDisposable
{
    private readonly TestStoreContext _context = new();
    private readonly List<IStateStore> _opened = [];

    protected abstract IKeyValueBytesStoreSupplier Supplier(string name);

    public void Dispose()
    {
        foreach (var store in _opened) store.Close();
        _context.Dispose();
    }

    private IKeyValueStore<TKey, TValue> Open<TKey, TValue>(ISerde<TKey> keySerde, ISerde<TValue> valueSerde, string name = "store",
        TestStoreContext? context = null, bool logging = true)
    {
        var builder = Stores.KeyValueStoreBuilder(Supplier(name), keySerde, valueSerde);
        if (!logging) builder.WithLoggingDisabled();
        var store = builder.Build();
        store.Init(context ?? _context);
        _opened.Add(store);
        return store;
    }

    private IKeyValueStore<string, string> OpenStrings(string name = "store", TestStoreContext? context = null, bool logging = true) =>
        Open(Serdes.String, Serdes.String, name, context, logging);

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void Put_get_delete_and_put_if_absent()
    {
        var store = OpenStrings();
        Assert.Null(store.Get("a"));
        Assert.False(store.TryGet("a", out _));

        store.Put("a", "1");
        Assert.Equal("1", store.Get("a"));
        Assert.True(store.TryGet("a", out var value));
        Assert.Equal("1", value);

        store.Put("a", "2");
        Assert.Equal("2", store.Get("a"));

        Assert.Equal("2", store.PutIfAbsent("a", "3"));
        Assert.Equal("2", store.Get("a"));
        Assert.Null(store.PutIfAbsent("b", "4"));
        Assert.Equal("4", store.Get("b"));

        Assert.Equal("2", store.Delete("a"));
        Assert.Null(store.Get("a"));
        Assert.Null(store.Delete("a"));
        Assert.Equal(["b"], store.All().Select(e => e.Key));
    }

    [Fact]
    public void Putting_a_value_the_serde_turns_into_null_deletes_the_key()
    {
        var store = OpenStrings();
        store.Put("a", "1");
        store.Put("a", null!);
        Assert.False(store.TryGet("a", out _));
        Assert.Empty(store.All());
    }

    [Fact]
    public void All_iterates_in_byte_order_of_the_serialized_keys()
    {
        var store = OpenStrings();
        foreach (var k in new[] { "z", "é", "ab", "B", "a" }) store.Put(k, k.ToUpperInvariant());
        // UTF-8 bytes: "B" 0x42 < "a" 0x61 < "ab" < "z" 0x7A < "é" 0xC3A9 (not culture order).
        Assert.Equal(["B", "a", "ab", "z", "é"], store.All().Select(e => e.Key));
        Assert.Equal(["B", "A", "AB", "Z", "É"], store.All().Select(e => e.Value));
    }

    [Fact]
    public void Big_endian_long_keys_put_negative_numbers_after_positive_ones()
    {
        var store = Open(Serdes.Long, Serdes.String);
        foreach (var k in new long[] { 256, -1, 1, 0, long.MinValue }) store.Put(k, k.ToString());
        Assert.Equal([0L, 1, 256, long.MinValue, -1], store.All().Select(e => e.Key));
    }

    [Fact]
    public void Range_is_inclusive_at_both_ends_and_empty_when_reversed()
    {
        var store = OpenStrings();
        foreach (var k in new[] { "a", "b", "c", "d", "e" }) store.Put(k, k);
        Assert.Equal(["b", "c", "d"], store.Range("b", "d").Select(e => e.Key));
        Assert.Equal(["b", "c", "d", "e"], store.Range("b", "zz").Select(e => e.Key));
        Assert.Equal(["a"], store.Range("", "a").Select(e => e.Key));
        Assert.Equal(["c"], store.Range("c", "c").Select(e => e.Key));
        Assert.Empty(store.Range("d", "b"));
        Assert.Empty(store.Range("bb", "bc"));
    }

    [Fact]
    public void Prefix_scan_returns_exactly_the_keys_with_the_prefix()
    {
        var store = OpenStrings();
        foreach (var k in new[] { "a", "ab", "abc", "abd", "ac", "b", "aa" }) store.Put(k, k);
        Assert.Equal(["ab", "abc", "abd"], store.PrefixScan("ab").Select(e => e.Key));
        Assert.Equal(["a", "aa", "ab", "abc", "abd", "ac"], store.PrefixScan("a").Select(e => e.Key));
        Assert.Empty(store.PrefixScan("x"));
    }

    [Fact]
    public void Prefix_scan_handles_0xFF_bytes_in_the_prefix()
    {
        var store = Open(Serdes.ByteArray, Serdes.String);
        store.Put([0x01, 0xFF], "1");
        store.Put([0x01, 0xFF, 0x00], "2");
        store.Put([0x02], "3");
        store.Put([0xFF, 0xFF], "4");
        store.Put([0xFF], "5");
        Assert.Equal(["1", "2"], store.PrefixScan([0x01, 0xFF]).Select(e => e.Value));
        Assert.Equal(["5", "4"], store.PrefixScan([0xFF]).Select(e => e.Value));
    }

    [Fact]
    public void Iteration_over_several_chunks_returns_every_entry_once_in_order()
    {
        var store = Open(Serdes.Int, Serdes.Int);
        for (var i = 2999; i >= 0; i--) store.Put(i, -i);
        Assert.Equal(Enumerable.Range(0, 3000), store.All().Select(e => e.Key));
        Assert.Equal(Enumerable.Range(100, 2001), store.Range(100, 2100).Select(e => e.Key));
        Assert.Equal(-2100, store.Range(100, 2100).Last().Value);
    }

    [Fact]
    public void A_prefix_scan_of_a_few_entries_allocates_little()
    {
        // The message path scans small ranges per record (a conversation's members, its read marks); a scan must not
        // allocate for its largest chunk up front (it did: an 8 KB list per scan).
        var store = OpenStrings();
        for (var c = 0; c < 100; c++)
            for (var m = 0; m < 5; m++) store.Put($"c{c:D3}/m{m}", "member");
        Assert.Equal(5, store.PrefixScan("c042/").Count());
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) Assert.Equal(5, store.PrefixScan($"c{i:D3}/").Count());
        var perScan = (GC.GetAllocatedBytesForCurrentThread() - before) / 100;
        Assert.True(perScan < 4096, $"a scan of 5 entries allocated {perScan} bytes");
    }

    [Fact]
    public void Entries_can_be_deleted_while_iterating_over_more_than_one_chunk()
    {
        var store = Open(Serdes.Int, Serdes.Int);
        for (var i = 0; i < 1500; i++) store.Put(i, i);
        var seen = 0;
        foreach (var (key, value) in store.All())
        {
            Assert.Equal(seen, key);
            Assert.Equal(key, value);
            store.Delete(key);
            seen++;
        }
        Assert.Equal(1500, seen);
        Assert.Empty(store.All());
    }

    [Fact]
    public void Changes_and_only_changes_are_logged_with_the_record_timestamp()
    {
        var store = OpenStrings();
        _context.CurrentRecordTimestampMs = 10;
        store.Put("a", "1");
        _context.CurrentRecordTimestampMs = 11;
        store.Put("b", "2");
        store.Put("a", "3");
        store.Delete("a");
        store.Delete("missing");          // nothing changed: no record
        store.PutIfAbsent("b", "9");      // present: no record
        _context.CurrentRecordTimestampMs = 12;
        store.PutIfAbsent("c", "4");
        store.Put("c", null!);            // delete through a null value
        store.Put("d", null!);            // absent: nothing changed
        _ = store.Get("b");
        _ = store.All().ToList();

        var expected = new (string Key, string? Value, long Ts)[]
        {
            ("a", "1", 10), ("b", "2", 11), ("a", "3", 11), ("a", null, 11), ("c", "4", 12), ("c", null, 12),
        };
        var actual = _context.Recorded!.Records
            .Select(r => (Encoding.UTF8.GetString(r.Key), r.Value is null ? null : Encoding.UTF8.GetString(r.Value), r.Timestamp));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_store_with_logging_disabled_writes_no_changelog_even_when_the_runtime_offers_one()
    {
        var store = OpenStrings(logging: false);
        store.Put("a", "1");
        store.Delete("a");
        Assert.Empty(_context.Recorded!.Records);
    }

    [Fact]
    public void A_restored_store_equals_the_original_and_restoring_logs_nothing()
    {
        var original = OpenStrings();
        var random = new Random(7);
        for (var i = 0; i < 3000; i++)
        {
            var key = $"k{random.Next(500)}";
            switch (random.Next(4))
            {
                case 0: original.Delete(key); break;
                case 1: original.PutIfAbsent(key, $"v{i}"); break;
                default: original.Put(key, $"v{i}"); break;
            }
        }
        var changelog = _context.Recorded!.AsRestoreBatch();

        using var otherTask = new TestStoreContext();
        var restored = OpenStrings(name: "store", context: otherTask);
        var restoreBatch = (IRestorableStore)restored;
        foreach (var batch in changelog.Chunk(700)) restoreBatch.Restore(batch);

        Assert.Equal(original.All().ToList(), restored.All().ToList());
        Assert.Empty(otherTask.Recorded!.Records);
    }

    [Fact]
    public void Restoring_a_tombstone_deletes_the_key()
    {
        var store = OpenStrings();
        ((IRestorableStore)store).Restore([(Utf8("x"), Utf8("1"), 1), (Utf8("y"), Utf8("2"), 2), (Utf8("x"), null, 3), (Utf8("never"), null, 4)]);
        Assert.Equal([new KeyValuePair<string, string>("y", "2")], store.All());
        Assert.Empty(_context.Recorded!.Records);
    }

    [Fact]
    public void A_value_serde_failure_names_the_store()
    {
        var store = Open(Serdes.String, Serdes.Long, name: "counts");
        ((IRestorableStore)store).Restore([(Utf8("k"), [1, 2, 3], 1)]);
        var e = Assert.Throws<SerializationException>(() => store.Get("k"));
        Assert.Contains("'counts'", e.Message);
        Assert.Contains("a long needs 8 bytes", e.Message);
    }

    [Fact]
    public void A_serializer_failure_names_the_store_and_leaves_the_store_unchanged()
    {
        var store = Open(Serdes.String, new FailingSerde(), name: "profiles");
        var e = Assert.Throws<SerializationException>(() => store.Put("k", "v"));
        Assert.Contains("'profiles'", e.Message);
        Assert.Contains("boom", e.Message);
        Assert.Empty(store.All());
        Assert.Empty(_context.Recorded!.Records);
    }

    [Fact]
    public void Null_keys_are_refused()
    {
        var store = OpenStrings();
        Assert.Throws<ArgumentNullException>(() => store.Put(null!, "v"));
    }

    [Fact]
    public void The_serde_context_topic_is_the_changelog_topic_or_the_store_name_without_logging()
    {
        var logged = new TopicRecordingSerde();
        Open(logged, Serdes.String, name: "logged").Put("a", "1");
        Assert.Equal(["app-store-changelog"], logged.Topics.Distinct());

        var unlogged = new TopicRecordingSerde();
        Open(unlogged, Serdes.String, name: "unlogged", logging: false).Put("a", "1");
        Assert.Equal(["unlogged"], unlogged.Topics.Distinct());
    }

    [Fact]
    public void A_closed_store_refuses_work()
    {
        var store = OpenStrings();
        store.Put("a", "1");
        store.Close();
        _opened.Remove(store);
        Assert.Throws<InvalidStateStoreException>(() => store.Get("a"));
        Assert.Throws<InvalidStateStoreException>(() => store.Put("a", "2"));
        Assert.Throws<InvalidStateStoreException>(() => store.All().ToList());
    }

    [Fact]
    public void A_store_counts_its_entries()
    {
        var store = OpenStrings();
        for (var i = 0; i < 100; i++) store.Put($"k{i}", "v");
        store.Flush();
        Assert.InRange(store.ApproximateNumEntries, 1, 200);
    }

    private sealed class FailingSerde : ISerde<string>
    {
        public byte[]? Serialize(string value, SerdeContext context) => throw new InvalidOperationException("boom");
        public string Deserialize(ReadOnlySpan<byte> data, bool isNull, SerdeContext context) => throw new InvalidOperationException("boom");
    }

    private sealed class TopicRecordingSerde : ISerde<string>
    {
        public List<string> Topics { get; } = [];

        public byte[]? Serialize(string value, SerdeContext context)
        {
            Topics.Add(context.Topic);
            return Serdes.String.Serialize(value, context);
        }

        public string Deserialize(ReadOnlySpan<byte> data, bool isNull, SerdeContext context)
        {
            Topics.Add(context.Topic);
            return Serdes.String.Deserialize(data, isNull, context);
        }
    }
}

public sealed class InMemoryKeyValueStoreTests : KeyValueStoreContractTests
{
    protected override IKeyValueBytesStoreSupplier Supplier(string name) => Stores.InMemoryKeyValueStore(name);
}

public sealed class RocksDbKeyValueStoreTests : KeyValueStoreContractTests
{
    protected override IKeyValueBytesStoreSupplier Supplier(string name) => Stores.PersistentKeyValueStore(name);
}
