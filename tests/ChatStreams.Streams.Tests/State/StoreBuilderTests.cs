using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Tests.State;

public sealed class StoreBuilderTests
{
    [Fact]
    public void Logging_is_on_by_default_with_a_compacted_changelog()
    {
        IStoreBuilder builder = Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("counts"), Serdes.String, Serdes.Long);
        Assert.Equal("counts", builder.Name);
        Assert.True(builder.LoggingEnabled);
        Assert.Equal(new Dictionary<string, string> { ["cleanup.policy"] = "compact" }, builder.ChangelogConfig);
    }

    [Fact]
    public void Changelog_config_overrides_and_extends_the_defaults()
    {
        var builder = Stores.TtlKeyValueStoreBuilder("dedup", TimeSpan.FromHours(24), Serdes.String, Serdes.String, persistent: false)
            .WithLoggingEnabled(new Dictionary<string, string> { ["cleanup.policy"] = "compact,delete", ["retention.ms"] = "172800000" });
        Assert.Equal("compact,delete", builder.ChangelogConfig["cleanup.policy"]);
        Assert.Equal("172800000", builder.ChangelogConfig["retention.ms"]);
        Assert.True(builder.LoggingEnabled);
    }

    [Fact]
    public void Logging_can_be_disabled_and_enabled_again()
    {
        var builder = Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("cache"), Serdes.String, Serdes.String).WithLoggingDisabled();
        Assert.False(builder.LoggingEnabled);
        Assert.True(builder.WithLoggingEnabled().LoggingEnabled);
    }

    [Fact]
    public void Every_build_returns_a_new_store()
    {
        IStoreBuilder builder = Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("counts"), Serdes.String, Serdes.Long);
        var first = builder.Build();
        var second = builder.Build();
        Assert.NotSame(first, second);
        Assert.IsAssignableFrom<IKeyValueStore<string, long>>(first);
        Assert.IsAssignableFrom<IRestorableStore>(first);
        Assert.False(first.Persistent);

        using var taskA = new TestStoreContext();
        using var taskB = new TestStoreContext();
        first.Init(taskA);
        second.Init(taskB);
        ((IKeyValueStore<string, long>)first).Put("a", 1);
        Assert.False(((IKeyValueStore<string, long>)second).TryGet("a", out _));
    }

    [Fact]
    public void Ttl_builders_make_restorable_ttl_stores_of_the_asked_kind()
    {
        IStoreBuilder memory = Stores.TtlKeyValueStoreBuilder("presence", TimeSpan.FromMinutes(1), Serdes.String, Serdes.Long, persistent: false);
        IStoreBuilder disk = Stores.TtlKeyValueStoreBuilder("dedup", TimeSpan.FromHours(24), Serdes.String, Serdes.Long, persistent: true);
        Assert.False(memory.Build().Persistent);
        Assert.True(disk.Build().Persistent);
        Assert.IsAssignableFrom<ITtlKeyValueStore<string, long>>(memory.Build());
        Assert.IsAssignableFrom<IRestorableStore>(disk.Build());
        Assert.Equal(TimeSpan.FromHours(24), ((ITtlKeyValueStore<string, long>)disk.Build()).Retention);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void Names_unfit_for_a_topic_or_directory_are_refused(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => Stores.InMemoryKeyValueStore(name));
        Assert.Contains("invalid state store name", e.Message);
        Assert.Throws<ArgumentException>(() => Stores.PersistentKeyValueStore(name));
    }

    [Fact]
    public void A_ttl_store_needs_a_positive_retention()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Stores.TtlKeyValueStoreBuilder("dedup", TimeSpan.Zero, Serdes.String, Serdes.String, persistent: false));
    }
}
