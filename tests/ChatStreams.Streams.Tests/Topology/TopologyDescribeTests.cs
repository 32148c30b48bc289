using ChatStreams.Streams.Dsl;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;

// Not "…Tests.Topology": a namespace of that name would hide the Topology type in the other test namespaces.
namespace ChatStreams.Streams.Tests.TopologyGraph;

public class TopologyDescribeTests
{
    [Fact]
    public void Describe_prints_subtopologies_nodes_stores_and_edges_like_kafka_streams()
    {
        var builder = new StreamsBuilder();
        builder.AddStateStore(Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("counts"), Serdes.String, Serdes.Long));
        builder.Stream("words", Serdes.String, Serdes.String)
            .Filter((_, v) => v.Length > 0)
            .SelectKey((_, v) => v)
            .Repartition("by-word", keySerde: Serdes.String)
            .Process(() => new Testing.WordCountTopology.CountProcessor(), "counts")
            .To("word-counts", Serdes.String, Serdes.Long);
        var description = builder.Build().Describe();

        Assert.Equal(2, description.SubtopologyCount);
        Assert.Equal(
            """
            Topologies:
               Sub-topology: 0
                Source: KSTREAM-SOURCE-0000000000 (topics: [words])
                  --> KSTREAM-FILTER-0000000001
                  <-- none
                Processor: KSTREAM-FILTER-0000000001 (stores: [])
                  --> KSTREAM-KEY-SELECT-0000000002
                  <-- KSTREAM-SOURCE-0000000000
                Processor: KSTREAM-KEY-SELECT-0000000002 (stores: [])
                  --> by-word-repartition-sink
                  <-- KSTREAM-FILTER-0000000001
                Sink: by-word-repartition-sink (topic: <app>-by-word-repartition)
                  --> none
                  <-- KSTREAM-KEY-SELECT-0000000002

               Sub-topology: 1
                Source: by-word-repartition-source (topics: [<app>-by-word-repartition])
                  --> KSTREAM-PROCESSOR-0000000003
                  <-- none
                Processor: KSTREAM-PROCESSOR-0000000003 (stores: [counts])
                  --> KSTREAM-SINK-0000000004
                  <-- by-word-repartition-source
                Sink: KSTREAM-SINK-0000000004 (topic: word-counts)
                  --> none
                  <-- KSTREAM-PROCESSOR-0000000003


            """.Replace("\r\n", "\n"), description.ToString());
    }

    [Fact]
    public void Per_record_sinks_are_shown_as_such()
    {
        var builder = new StreamsBuilder();
        builder.Stream("frames", Serdes.String, Serdes.String).To((_, v) => "delivery." + v);
        Assert.Contains("Sink: KSTREAM-SINK-0000000001 (topic: <chosen per record>)", builder.Build().ToString());
    }
}
