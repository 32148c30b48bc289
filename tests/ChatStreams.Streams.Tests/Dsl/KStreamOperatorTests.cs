using ChatStreams.Streams.Dsl;
using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;
using ChatStreams.Streams.Testing;
using ChatStreams.Streams.Tests.Testing;
using Confluent.Kafka;

namespace ChatStreams.Streams.Tests.Dsl;

public class KStreamOperatorTests
{
    private static List<(string Key, string Value)> Run(Action<KStream<string, string>> build, params (string Key, string Value)[] input)
    {
        var builder = new StreamsBuilder();
        build(builder.Stream("in", Serdes.String, Serdes.String));
        using var driver = new TopologyTestDriver(builder.Build());
        var topic = driver.CreateInputTopic("in", Serdes.String, Serdes.String);
        foreach (var (k, v) in input) topic.PipeInput(k, v);
        return driver.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadKeyValuesToList().Select(kv => (kv.Key, kv.Value)).ToList();
    }

    [Fact]
    public void Filter_and_FilterNot_keep_and_drop_matches()
    {
        Assert.Equal([("a", "keep")], Run(s => s.Filter((_, v) => v == "keep").To("out"), ("a", "keep"), ("b", "drop")));
        Assert.Equal([("b", "drop")], Run(s => s.FilterNot((_, v) => v == "keep").To("out"), ("a", "keep"), ("b", "drop")));
    }

    [Fact]
    public void MapValues_Map_and_SelectKey_transform_records()
    {
        Assert.Equal([("a", "X!")], Run(s => s.MapValues(v => v.ToUpperInvariant() + "!").To("out"), ("a", "x")));
        Assert.Equal([("a", "a=x")], Run(s => s.MapValues((k, v) => $"{k}={v}").To("out"), ("a", "x")));
        Assert.Equal([("x", "a")], Run(s => s.Map((k, v) => (v, k)).To("out", Serdes.String, Serdes.String), ("a", "x")));
        Assert.Equal([("x", "x")], Run(s => s.SelectKey((_, v) => v).To("out", Serdes.String), ("a", "x")));
    }

    [Fact]
    public void Peek_and_ForEach_see_every_record()
    {
        var peeked = new List<string>();
        var each = new List<string>();
        var output = Run(s =>
        {
            var peekedStream = s.Peek((k, _) => peeked.Add(k));
            peekedStream.To("out");
            peekedStream.ForEach((k, v) => each.Add(k + v));
        }, ("a", "1"), ("b", "2"));
        Assert.Equal(["a", "b"], peeked);
        Assert.Equal(["a1", "b2"], each);
        Assert.Equal(2, output.Count);
    }

    [Fact]
    public void Timestamps_and_headers_survive_the_operators()
    {
        var builder = new StreamsBuilder();
        builder.Stream("in", Serdes.String, Serdes.String).MapValues(v => v.Length).Filter((_, n) => n > 0).To("out", valueSerde: Serdes.Int);
        using var driver = new TopologyTestDriver(builder.Build());
        driver.CreateInputTopic("in", Serdes.String, Serdes.String).PipeInput("k", "hello", new Headers { { "h", [9] } }, 77);
        var record = driver.CreateOutputTopic("out", Serdes.String, Serdes.Int).ReadRecord();
        Assert.Equal(5, record.Value);
        Assert.Equal(77, record.Timestamp);
        Assert.Equal([9], record.Headers!.GetLastBytes("h"));
    }

    [Fact]
    public void A_changed_type_needs_its_serde_at_the_sink()
    {
        var builder = new StreamsBuilder();
        var lengths = builder.Stream("in", Serdes.String, Serdes.String).MapValues(v => v.Length);
        var e = Assert.Throws<InvalidOperationException>(() => lengths.To("out"));
        Assert.Contains("needs a value serde", e.Message);
        Assert.Contains("valueSerde", e.Message);
        Assert.Contains("needs a key serde", Assert.Throws<InvalidOperationException>(
            () => builder.Stream("in2", Serdes.String, Serdes.String).SelectKey((_, v) => v.Length).Repartition()).Message);
    }

    [Fact]
    public void To_with_a_topic_extractor_writes_each_record_to_its_topic()
    {
        var builder = new StreamsBuilder();
        builder.Stream("frames", Serdes.String, Serdes.String).To((_, edge) => $"delivery.{edge}");
        using var driver = new TopologyTestDriver(builder.Build());
        var input = driver.CreateInputTopic("frames", Serdes.String, Serdes.String);
        input.PipeInput("alice", "edge-0");
        input.PipeInput("bob", "edge-1");
        Assert.Equal("alice", driver.CreateOutputTopic("delivery.edge-0", Serdes.String, Serdes.String).ReadKeyValue().Key);
        Assert.Equal("bob", driver.CreateOutputTopic("delivery.edge-1", Serdes.String, Serdes.String).ReadKeyValue().Key);
    }

    [Fact]
    public void Split_sends_each_record_to_the_first_matching_branch()
    {
        var builder = new StreamsBuilder();
        var branches = builder.Stream("in", Serdes.String, Serdes.String)
            .Split("msg-")
            .Branch((_, v) => v.StartsWith('/'), "command")
            .Branch((_, v) => v.Length > 10)
            .DefaultBranch();
        Assert.Equal(["msg-command", "msg-2", "msg-0"], branches.Keys);
        branches["msg-command"].To("commands");
        branches["msg-2"].To("long");
        branches["msg-0"].To("other");
        using var driver = new TopologyTestDriver(builder.Build());
        var input = driver.CreateInputTopic("in", Serdes.String, Serdes.String);
        foreach (var v in new[] { "/kick a very long name", "hello there, everyone", "hi" }) input.PipeInput("k", v);
        Assert.Equal(["/kick a very long name"], driver.CreateOutputTopic("commands", Serdes.String, Serdes.String).ReadValuesToList());
        Assert.Equal(["hello there, everyone"], driver.CreateOutputTopic("long", Serdes.String, Serdes.String).ReadValuesToList());
        Assert.Equal(["hi"], driver.CreateOutputTopic("other", Serdes.String, Serdes.String).ReadValuesToList());
    }

    [Fact]
    public void Split_without_default_drops_unmatched_records()
    {
        var builder = new StreamsBuilder();
        var branches = builder.Stream("in", Serdes.String, Serdes.String).Split().Branch((_, v) => v == "a").NoDefaultBranch();
        var only = Assert.Single(branches);
        Assert.Equal("KSTREAM-BRANCH-00000000011", only.Key);
        only.Value.To("out");
        using var driver = new TopologyTestDriver(builder.Build());
        var input = driver.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("k", "a");
        input.PipeInput("k", "b");
        Assert.Equal(["a"], driver.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValuesToList());
    }

    [Fact]
    public void Merge_combines_two_streams()
    {
        var builder = new StreamsBuilder();
        var a = builder.Stream("a", Serdes.String, Serdes.String);
        var b = builder.Stream("b", Serdes.String, Serdes.String);
        a.Merge(b).To("out");
        using var driver = new TopologyTestDriver(builder.Build());
        driver.CreateInputTopic("a", Serdes.String, Serdes.String).PipeInput("k", "from a");
        driver.CreateInputTopic("b", Serdes.String, Serdes.String).PipeInput("k", "from b");
        Assert.Equal(["from a", "from b"], driver.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadValuesToList());
    }

    [Fact]
    public void Process_with_a_store_counts_by_key()
    {
        var builder = new StreamsBuilder();
        builder.AddStateStore(Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore(WordCountTopology.StoreName), Serdes.String, Serdes.Long));
        builder.Stream("words", Serdes.String, Serdes.String)
            .Process(() => new WordCountTopology.CountProcessor(), Named.As("count"), WordCountTopology.StoreName)
            .To("counts", Serdes.String, Serdes.Long);
        var topology = builder.Build();
        Assert.Contains("Processor: count (stores: [counts])", topology.ToString());
        using var driver = new TopologyTestDriver(topology);
        var input = driver.CreateInputTopic("words", Serdes.String, Serdes.String);
        input.PipeInput("a", "");
        input.PipeInput("a", "");
        input.PipeInput("b", "");
        Assert.Equal([1L, 2L, 1L], driver.CreateOutputTopic("counts", Serdes.String, Serdes.Long).ReadValuesToList());
        Assert.Equal(2, driver.GetKeyValueStore<string, long>(WordCountTopology.StoreName).Get("a"));
    }

    [Fact]
    public void Process_naming_an_unknown_store_fails_at_build_time()
    {
        var builder = new StreamsBuilder();
        var e = Assert.Throws<InvalidOperationException>(() =>
            builder.Stream("words", Serdes.String, Serdes.String).Process(() => new WordCountTopology.CountProcessor(), "nope"));
        Assert.Contains("state store 'nope' is not added", e.Message);
    }

    [Fact]
    public void Repartition_moves_records_to_the_partition_of_their_new_key()
    {
        var builder = new StreamsBuilder();
        builder.Stream("messages", Serdes.String, Serdes.String)
            .SelectKey((_, user) => user)
            .Repartition("by-user", keySerde: Serdes.String, partitions: 3)
            .Peek((_, _) => { })
            .To("per-user");
        var topology = builder.Build();
        Assert.Equal(2, topology.Describe().SubtopologyCount);

        using var driver = new TopologyTestDriver(topology, new StreamsConfig { ApplicationId = "chat" }, partitions: 2);
        var input = driver.CreateInputTopic("messages", Serdes.String, Serdes.String);
        var users = Enumerable.Range(0, 10).Select(i => $"user-{i}").ToList();
        foreach (var u in users) input.PipeInput("conv-1", u);

        var hop = driver.CreateOutputTopic("chat-by-user-repartition", Serdes.String, Serdes.String).ReadRecordsToList();
        Assert.Equal(users, hop.Select(r => r.Key));
        Assert.All(hop, r => Assert.Equal(Murmur2Partitioner.Partition(System.Text.Encoding.UTF8.GetBytes(r.Key), 3), r.Partition));
        var output = driver.CreateOutputTopic("per-user", Serdes.String, Serdes.String).ReadRecordsToList();
        Assert.Equal(users, output.Select(r => r.Key));
        Assert.All(output, r => Assert.Equal(Murmur2Partitioner.Partition(System.Text.Encoding.UTF8.GetBytes(r.Key), 2), r.Partition));
    }

    [Fact]
    public void Names_given_to_operators_are_used_and_must_be_unique()
    {
        var builder = new StreamsBuilder();
        var stream = builder.Stream("in", Serdes.String, Serdes.String, name: "input").Filter((_, _) => true, "non-empty");
        Assert.Equal("non-empty", stream.NodeName);
        var e = Assert.Throws<InvalidOperationException>(() => stream.MapValues(v => v, "non-empty"));
        Assert.Contains("already exists", e.Message);
        stream.To("out", name: "output");
        Assert.Contains("Sink: output (topic: out)", builder.Build().ToString());
    }

    [Fact]
    public void A_built_builder_cannot_change()
    {
        var builder = new StreamsBuilder();
        var stream = builder.Stream("in", Serdes.String, Serdes.String);
        var topology = builder.Build();
        Assert.Same(topology, builder.Build());
        Assert.Contains("already built", Assert.Throws<InvalidOperationException>(() => stream.To("out")).Message);
    }
}
