using System.Text;
using ChatStreams.Kafka.Generations;
using ChatStreams.Streams.Generations;
using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.Testing;
using Confluent.Kafka;

namespace ChatStreams.Streams.Tests.Generations;

/// <summary>The cutover gate: before the marker records go on, the marker is remembered, after it they go to the next generation.</summary>
public sealed class GenerationCutoverTests
{
    private static Topology Gate() => new Topology()
        .AddSource("in", Serdes.String, Serdes.String, "words")
        .AddGenerationCutover("gate", "in", "upper", "words.g2", Serdes.String, Serdes.String)
        .AddProcessor("upper", () => new Upper(), "gate")
        .AddSink("out", "processed", Serdes.String, Serdes.String, "upper");

    private static Headers Marker(string successor) => CutoverMarker.Create(successor).Headers;

    [Fact]
    public void Records_before_the_marker_are_processed_and_records_after_it_forwarded_unchanged()
    {
        using var driver = new TopologyTestDriver(Gate(), new StreamsConfig { ApplicationId = "gate" });
        var words = driver.CreateInputTopic("words", Serdes.String, Serdes.String);
        var processed = driver.CreateOutputTopic("processed", Serdes.String, Serdes.String);
        var successor = driver.CreateOutputTopic("words.g2", Serdes.String, Serdes.String);

        words.PipeInput("a", "one");
        words.PipeInput("b", "two");
        words.PipeInput(null!, null!, Marker("words.g2"));
        var straggler = new Headers { { "trace", "x"u8.ToArray() } };
        words.PipeInput("a", "three", straggler);
        words.PipeInput(null!, null!, Marker("words.g2")); // a resumed rescale may write the marker again
        words.PipeInput("c", "four");

        Assert.Equal([new("a", "ONE"), new KeyValuePair<string, string>("b", "TWO")], processed.ReadKeyValuesToList());
        var forwarded = successor.ReadRecordsToList();
        Assert.Equal(["a:three", "c:four"], forwarded.Select(r => $"{r.Key}:{r.Value}"));
        Assert.True(forwarded[0].Headers!.TryGetLastBytes("trace", out var trace) && Encoding.UTF8.GetString(trace) == "x");
        Assert.False(forwarded.Any(r => CutoverMarker.TryRead(r.Headers, out _)), "the marker itself must not be forwarded");
    }

    [Fact]
    public void The_passed_marker_is_logged_so_a_rebuilt_task_still_forwards()
    {
        using var driver = new TopologyTestDriver(Gate(), new StreamsConfig { ApplicationId = "gate" });
        var words = driver.CreateInputTopic("words", Serdes.String, Serdes.String);
        words.PipeInput(null!, null!, Marker("words.g2"));

        var changelog = driver.CreateOutputTopic($"gate-{GenerationCutover<string, string>.StoreName}-changelog", Serdes.String, Serdes.String).ReadKeyValuesToList();
        Assert.Equal([new KeyValuePair<string, string>("words", "words.g2")], changelog);
        Assert.Equal("words.g2", driver.GetKeyValueStore<string, string>(GenerationCutover<string, string>.StoreName).Get("words"));
    }

    [Fact]
    public void Without_a_marker_nothing_is_forwarded()
    {
        using var driver = new TopologyTestDriver(Gate(), new StreamsConfig { ApplicationId = "gate" });
        var words = driver.CreateInputTopic("words", Serdes.String, Serdes.String);
        for (var i = 0; i < 50; i++) words.PipeInput($"k{i % 7}", $"v{i}");
        Assert.Equal(50, driver.CreateOutputTopic("processed", Serdes.String, Serdes.String).ReadValuesToList().Count);
        Assert.True(driver.CreateOutputTopic("words.g2", Serdes.String, Serdes.String).IsEmpty);
    }

    [Fact]
    public void The_input_key_of_a_store_key_is_its_first_part()
    {
        Assert.Equal("conv-1"u8.ToArray(), ChangelogRekeying.InputKey("conv-1\0user-2"u8.ToArray()).ToArray());
        Assert.Equal("conv-1"u8.ToArray(), ChangelogRekeying.InputKey("conv-1"u8.ToArray()).ToArray());
        Assert.Empty(ChangelogRekeying.InputKey("\0x"u8.ToArray()).ToArray());
    }

    private sealed class Upper : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        public void Init(IProcessorContext<string, string> context) => _context = context;
        public void Process(Record<string, string> record) => _context.Forward(record.WithValue(record.Value.ToUpperInvariant()));
    }
}
