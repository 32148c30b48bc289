using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.Testing;

namespace ChatStreams.Streams.Tests.Testing;

/// <summary>Stateful count topologies through the driver, including the worker's, which the runtime tests run on the broker.</summary>
public class CountTopologyTests
{
    private static readonly string[] Words = ["chat", "kafka", "chat", "streams", "chat", "kafka"];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Counts_each_key_keeps_the_state_and_logs_it(bool persistent)
    {
        using var driver = new TopologyTestDriver(WordCountTopology.Build(persistent: persistent), new StreamsConfig { ApplicationId = "wc" });
        var input = driver.CreateInputTopic("words", Serdes.String, Serdes.String);
        foreach (var w in Words) input.PipeInput(w, "x");

        var counts = driver.CreateOutputTopic("word-counts", Serdes.String, Serdes.Long).ReadKeyValuesToList();
        Assert.Equal([("chat", 1L), ("kafka", 1L), ("chat", 2L), ("streams", 1L), ("chat", 3L), ("kafka", 2L)], counts.Select(kv => (kv.Key, kv.Value)));

        var store = driver.GetKeyValueStore<string, long>(WordCountTopology.StoreName);
        Assert.Equal(3, store.Get("chat"));
        Assert.Equal(2, store.Get("kafka"));
        Assert.Equal(3, store.All().Count());

        var changelog = driver.CreateOutputTopic("wc-counts-changelog", Serdes.String, Serdes.Long).ReadKeyValuesToList();
        Assert.Equal(counts, changelog);
    }

    [Fact]
    public void In_multi_partition_mode_each_key_is_counted_by_the_task_of_its_murmur2_partition()
    {
        const int partitions = 4;
        using var driver = new TopologyTestDriver(WordCountTopology.Build(), partitions: partitions);
        var input = driver.CreateInputTopic("words", Serdes.String, Serdes.String);
        var keys = Enumerable.Range(0, 40).Select(i => $"user-{i}").ToList();
        foreach (var k in keys.Concat(keys)) input.PipeInput(k, "x");

        var output = driver.CreateOutputTopic("word-counts", Serdes.String, Serdes.Long).ReadRecordsToList();
        Assert.Equal(80, output.Count);
        foreach (var r in output)
            Assert.Equal(Murmur2Partitioner.Partition(System.Text.Encoding.UTF8.GetBytes(r.Key), partitions), r.Partition);
        Assert.True(output.Select(r => r.Partition).Distinct().Count() > 1, "40 keys should spread over several partitions");

        // Each task's store holds exactly the keys of its partition.
        for (var p = 0; p < partitions; p++)
        {
            var own = driver.GetKeyValueStore<string, long>(WordCountTopology.StoreName, p).All().Select(kv => kv.Key).ToHashSet();
            Assert.Equal(keys.Where(k => Murmur2Partitioner.Partition(System.Text.Encoding.UTF8.GetBytes(k), partitions) == p).ToHashSet(), own);
        }

        // The merged view reads every partition.
        var all = driver.GetKeyValueStore<string, long>(WordCountTopology.StoreName);
        Assert.Equal(40, all.ApproximateNumEntries);
        Assert.All(keys, k => Assert.Equal(2, all.Get(k)));
        Assert.Equal(40, all.All().Count());
        all.Put("user-7", 100);
        Assert.Equal(100, driver.GetKeyValueStore<string, long>(WordCountTopology.StoreName,
            Murmur2Partitioner.Partition("user-7"u8, partitions)).Get("user-7"));
        var e = Assert.Throws<InvalidOperationException>(() => all.Put("new-key", 1));
        Assert.Contains("GetKeyValueStore(\"counts\", partition)", e.Message);
        Assert.Equal(2, all.Delete("user-8"));
        Assert.False(all.TryGet("user-8", out _));
    }

    [Fact]
    public void Store_lookups_fail_clearly()
    {
        using var driver = new TopologyTestDriver(WordCountTopology.Build());
        Assert.Contains("no state store 'count' (stores: counts)", Assert.Throws<ArgumentException>(() => driver.GetKeyValueStore<string, long>("count")).Message);
        Assert.Contains("not a IKeyValueStore`2", Assert.Throws<InvalidCastException>(() => driver.GetKeyValueStore<string, string>("counts")).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => driver.GetKeyValueStore<string, long>("counts", 3));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void The_workers_count_topology_emits_every_count_once_and_in_order(int partitions)
    {
        using var driver = new TopologyTestDriver(Worker.CountTopology.Build("events", "tallies", persistentStore: false), partitions: partitions);
        var input = driver.CreateInputTopic("events", Serdes.String, Serdes.String);
        for (var i = 0; i < 300; i++) input.PipeInput($"k{i % 7}", $"v{i}");

        var perKey = driver.CreateOutputTopic("tallies", Serdes.String, Serdes.String).ReadKeyValuesToList()
            .GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Select(kv => kv.Value).ToList());
        Assert.Equal(7, perKey.Count);
        foreach (var (key, values) in perKey)
        {
            var expected = Enumerable.Range(0, 300).Count(i => $"k{i % 7}" == key);
            Assert.Equal(Enumerable.Range(1, expected).Select(n => $"{key}:{n}"), values);
            Assert.Equal(expected, driver.GetKeyValueStore<string, long>(Worker.CountTopology.StoreName).Get(key));
        }
    }
}
