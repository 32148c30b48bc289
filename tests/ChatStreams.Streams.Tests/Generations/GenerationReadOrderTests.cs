using ChatStreams.Kafka.Generations;
using ChatStreams.Streams.Generations;
using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.Testing;
using Confluent.Kafka;

namespace ChatStreams.Streams.Tests.Generations;

/// <summary>
/// The read order of plain readers across generations (a sink reads chat.events.g2 only once it committed past every
/// marker of chat.events), the names of generations, and the marker skip of downstream readers.
/// </summary>
public sealed class GenerationReadOrderTests
{
    private const string Events = "chat.events";

    private static TopicGenerationState Rescaling(RescalePhase phase, Dictionary<string, Dictionary<int, long>>? markers = null) => new()
    {
        Topic = Events, Partitions = 2, Phase = phase, TargetPartitions = 4, CutoverMarkers = markers ?? [],
    };

    private static Dictionary<TopicPartition, long> Committed(params (string Topic, int Partition, long Offset)[] offsets) =>
        offsets.ToDictionary(o => new TopicPartition(o.Topic, o.Partition), o => o.Offset);

    [Fact]
    public void Before_a_rescale_nothing_is_held()
    {
        var stable = new TopicGenerationState { Topic = Events, Partitions = 2 };
        Assert.Equal(int.MaxValue, GenerationReadOrder.FirstHeld(stable, Events, Committed()));
        Assert.Empty(GenerationReadOrder.MarkedPartitions(stable, Events));
    }

    [Fact]
    public void The_next_generation_is_held_until_its_markers_exist_and_every_partition_is_committed_past_its_marker()
    {
        Assert.Equal(2, GenerationReadOrder.FirstHeld(Rescaling(RescalePhase.Prepared), Events, Committed()));

        var marked = Rescaling(RescalePhase.CutOver, new() { [Events] = new() { [0] = 10, [1] = 7 } });
        Assert.Equal([new TopicPartition(Events, 0), new TopicPartition(Events, 1)], GenerationReadOrder.MarkedPartitions(marked, Events));
        Assert.Equal(2, GenerationReadOrder.FirstHeld(marked, Events, Committed()));
        Assert.Equal(2, GenerationReadOrder.FirstHeld(marked, Events, Committed((Events, 0, 11), (Events, 1, 7))));  // at the marker, not past it
        Assert.Equal(2, GenerationReadOrder.FirstHeld(marked, Events, Committed((Events, 0, 11))));                  // partition 1 never committed
        Assert.Equal(int.MaxValue, GenerationReadOrder.FirstHeld(marked, Events, Committed((Events, 0, 11), (Events, 1, 8))));
    }

    [Fact]
    public void After_two_rescales_each_generation_waits_for_the_one_before()
    {
        var state = new TopicGenerationState
        {
            Topic = Events, Generation = 3, Partitions = 8, RetiredGeneration = 2,
            CutoverMarkers = new() { [Events] = new() { [0] = 5 }, ["chat.events.g2"] = new() { [0] = 3, [1] = 4 } },
        };
        Assert.Equal(2, GenerationReadOrder.FirstHeld(state, Events, Committed()));
        Assert.Equal(3, GenerationReadOrder.FirstHeld(state, Events, Committed((Events, 0, 6), ("chat.events.g2", 0, 4))));
        Assert.Equal(int.MaxValue, GenerationReadOrder.FirstHeld(state, Events, Committed((Events, 0, 6), ("chat.events.g2", 0, 4), ("chat.events.g2", 1, 5))));
    }

    [Theory]
    [InlineData("chat.events", "chat.events", 1)]
    [InlineData("chat.events.g2", "chat.events", 2)]
    [InlineData("chat.events.g12", "chat.events", 12)]
    [InlineData("chat.receipts.g3", "chat.receipts", 3)]
    public void A_generation_name_gives_its_base_and_generation(string topic, string expectedBase, int expected)
    {
        Assert.True(TopicGenerations.IsGenerationOf(topic, expectedBase, out var generation));
        Assert.Equal(expected, generation);
        Assert.Equal(expectedBase, GenerationFamilies.BaseOf(topic));
    }

    [Theory]
    [InlineData("chat.events.g1")]
    [InlineData("chat.events.g02")]
    [InlineData("chat.events.gx")]
    [InlineData("chat.events.g")]
    [InlineData("chat.eventsg2")]
    [InlineData("delivery.g2")]
    public void Other_names_are_no_generations(string topic)
    {
        Assert.False(TopicGenerations.IsGenerationOf(topic, "chat.events", out _));
        Assert.Equal(topic, GenerationFamilies.BaseOf(topic));
    }

    [Fact]
    public void Receipts_follow_the_generation_record_of_events()
    {
        Assert.Equal("chat.events", GenerationFamilies.RecordOf("chat.receipts"));
        Assert.Equal("chat.events", GenerationFamilies.RecordOf("chat.events"));
        Assert.Equal("chat.commands", GenerationFamilies.RecordOf("chat.commands"));
        Assert.Null(GenerationFamilies.RecordOf("chat.sessions"));
    }

    [Fact]
    public void A_record_names_the_output_generation_of_each_input_generation_and_defaults_to_the_first()
    {
        var state = new TopicGenerationState { Topic = "chat.commands", Partitions = 12, OutputGenerations = new() { [3] = 2 } };
        Assert.Equal(1, state.OutputGenerationOf(1));
        Assert.Equal(1, state.OutputGenerationOf(2)); // rescaled before the downstream topics could be
        Assert.Equal(2, state.OutputGenerationOf(3));
        var roundTripped = TopicGenerationState.FromBytes((state with { CutoverMarkers = new() { ["chat.events"] = new() { [1] = 9 } } }).ToBytes());
        Assert.Equal(2, roundTripped.OutputGenerationOf(3));
        Assert.Equal(9, roundTripped.CutoverMarkers["chat.events"][1]);
    }

    [Fact]
    public void A_downstream_reader_drops_markers_and_processes_everything_else()
    {
        var topology = new Topology()
            .AddSource("in", Serdes.String, Serdes.String, "events")
            .AddCutoverMarkerSkip<string, string>("skip", "in")
            .AddProcessor<string, string, string, string>("upper", () => new Upper(), "skip")
            .AddSink("out", "processed", Serdes.String, Serdes.String, "upper");
        using var driver = new TopologyTestDriver(topology, new StreamsConfig { ApplicationId = "skip" });
        var input = driver.CreateInputTopic("events", Serdes.String, Serdes.String);
        input.PipeInput("a", "one");
        input.PipeInput(null!, null!, CutoverMarker.Create("events.g2").Headers);
        input.PipeInput("b", "two"); // cannot happen in a rescale, but the skip only drops markers

        Assert.Equal(["a:ONE", "b:TWO"], driver.CreateOutputTopic("processed", Serdes.String, Serdes.String).ReadKeyValuesToList().Select(kv => $"{kv.Key}:{kv.Value}"));
    }

    private sealed class Upper : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        public void Init(IProcessorContext<string, string> context) => _context = context;
        public void Process(Record<string, string> record) => _context.Forward(record.WithValue(record.Value.ToUpperInvariant()));
    }
}
