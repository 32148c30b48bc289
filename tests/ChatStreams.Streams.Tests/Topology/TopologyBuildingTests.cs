using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;

// Not "…Tests.Topology": a namespace of that name would hide the Topology type in the other test namespaces.
namespace ChatStreams.Streams.Tests.TopologyGraph;

public class TopologyBuildingTests
{
    private sealed class Pass<TK, TV> : IProcessor<TK, TV, TK, TV>
    {
        private IProcessorContext<TK, TV> _context = null!;
        public void Init(IProcessorContext<TK, TV> context) => _context = context;
        public void Process(Record<TK, TV> record) => _context.Forward(record);
    }

    private static IStoreBuilder Store(string name) => Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore(name), Serdes.String, Serdes.Long);

    private static Topology Base() => new Topology()
        .AddSource("src", Serdes.String, Serdes.String, "in")
        .AddProcessor("p", () => new Pass<string, string>(), "src");

    [Fact]
    public void Node_names_are_unique()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Base().AddProcessor("p", () => new Pass<string, string>(), "src"));
        Assert.Contains("a node named 'p' already exists", e.Message);
        Assert.Throws<InvalidOperationException>(() => Base().AddSink("src", "out", Serdes.String, Serdes.String, "p"));
    }

    [Fact]
    public void Parents_must_exist_and_not_be_sinks()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => Base().AddProcessor("q", () => new Pass<string, string>(), "nope"));
        Assert.Contains("parent 'nope' of 'q' does not exist", missing.Message);
        var sinkParent = Assert.Throws<InvalidOperationException>(() => Base()
            .AddSink("out", "out", Serdes.String, Serdes.String, "p")
            .AddProcessor("q", () => new Pass<string, string>(), "out"));
        Assert.Contains("sink 'out' cannot have children", sinkParent.Message);
        Assert.Throws<InvalidOperationException>(() => new Topology().AddSink("out", "out", Serdes.String, Serdes.String));
    }

    [Fact]
    public void A_failed_add_leaves_the_topology_unchanged()
    {
        var topology = Base();
        Assert.Throws<InvalidOperationException>(() => topology.AddProcessor("q", () => new Pass<string, string>(), "p", "nope"));
        Assert.DoesNotContain("q", topology.Describe().ToString());
        Assert.Equal(["p"], topology.Nodes["src"].Children);
        topology.AddProcessor("q", () => new Pass<string, string>(), "p");
        Assert.Equal(["q"], topology.Nodes["p"].Children);
    }

    [Fact]
    public void Child_types_must_match_what_the_parent_forwards()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Base().AddSink("out", "out", Serdes.String, Serdes.Long, "p"));
        Assert.Contains("'out' takes records <String, Int64> but its parent 'p' forwards <String, String>", e.Message);
    }

    [Fact]
    public void A_topic_is_read_by_one_source_only()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Base().AddSource("again", Serdes.String, Serdes.String, "in"));
        Assert.Contains("topic 'in' is already read by source 'src'", e.Message);
    }

    [Fact]
    public void Stores_must_be_added_once_and_attach_to_processors()
    {
        Assert.Contains("state store 'nope' is not added", Assert.Throws<InvalidOperationException>(() => Base().ConnectProcessorAndStateStores("p", "nope")).Message);
        Assert.Contains("already added", Assert.Throws<InvalidOperationException>(() => Base().AddStateStore(Store("s"), "p").AddStateStore(Store("s"))).Message);
        var toSource = Assert.Throws<InvalidOperationException>(() => Base().AddStateStore(Store("s"), "src"));
        Assert.Contains("'src' is not a processor", toSource.Message);
        var topology = Base();
        Assert.Throws<InvalidOperationException>(() => topology.AddStateStore(Store("s"), "ghost"));
        // Rejected as a whole: the store can still be added afterwards.
        topology.AddStateStore(Store("s"), "p");
        Assert.Equal(["s"], ((ProcessorDefinition)topology.Nodes["p"]).StoreNames);
    }

    [Fact]
    public void Connecting_a_store_twice_is_harmless()
    {
        var topology = Base().AddStateStore(Store("s"), "p").ConnectProcessorAndStateStores("p", "s");
        Assert.Equal(["s"], ((ProcessorDefinition)topology.Nodes["p"]).StoreNames);
    }

    [Fact]
    public void Subtopologies_split_at_topics_and_join_at_shared_stores()
    {
        var topology = new Topology()
            .AddSource("a", Serdes.String, Serdes.String, "topic-a")
            .AddProcessor("pa", () => new Pass<string, string>(), "a")
            .AddSource("b", Serdes.String, Serdes.String, "topic-b")
            .AddProcessor("pb", () => new Pass<string, string>(), "b")
            .AddRepartitionTopic("re")
            .AddSink("to-re", Topology.InternalTopicName("re"), Serdes.String, Serdes.String, "pb")
            .AddSource("from-re", Serdes.String, Serdes.String, Topology.InternalTopicName("re"))
            .AddProcessor("pc", () => new Pass<string, string>(), "from-re")
            .AddStateStore(Store("shared"), "pa", "pc");

        var subs = topology.Subtopologies();
        // pa and pc share a store, so topic-a and the repartition topic are read by one task per partition.
        Assert.Equal(2, subs.Count);
        Assert.Equal(["a", "pa", "from-re", "pc"], subs[0].Nodes.Select(n => n.Name));
        Assert.Equal(["topic-a", Topology.InternalTopicName("re")], subs[0].SourceTopics);
        Assert.Equal(["shared"], subs[0].StoreNames);
        Assert.Equal(["b", "pb", "to-re"], subs[1].Nodes.Select(n => n.Name));
    }
}
