using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;
using ChatStreams.Streams.Testing;
using Confluent.Kafka;

namespace ChatStreams.Streams.Tests.Testing;

/// <summary>The Processor API as topology authors use it, through the driver.</summary>
public class TopologyTestDriverProcessorApiTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    /// <summary>Routes even-length values to "even", the rest to "odd", by child name.</summary>
    private sealed class Router : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        public void Init(IProcessorContext<string, string> context) => _context = context;
        public void Process(Record<string, string> record) => _context.Forward(record, record.Value.Length % 2 == 0 ? "even" : "odd");
    }

    private sealed class Forwarder : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        public void Init(IProcessorContext<string, string> context) => _context = context;
        public void Process(Record<string, string> record) => _context.Forward(record);
    }

    private static Topology RouterTopology() => new Topology()
        .AddSource("src", Serdes.String, Serdes.String, "in")
        .AddProcessor("router", () => new Router(), "src")
        .AddSink("even", "even-out", Serdes.String, Serdes.String, "router")
        .AddSink("odd", "odd-out", Serdes.String, Serdes.String, "router")
        .AddSink("all", "all-out", Serdes.String, Serdes.String, "src");

    [Fact]
    public void Forward_goes_to_all_children_or_to_the_named_one()
    {
        using var driver = new TopologyTestDriver(RouterTopology());
        var input = driver.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("k1", "ab");
        input.PipeInput("k2", "abc");
        input.PipeInput("k3", "abcd");

        Assert.Equal(["ab", "abcd"], driver.CreateOutputTopic("even-out", Serdes.String, Serdes.String).ReadValuesToList());
        Assert.Equal([new KeyValuePair<string, string>("k2", "abc")], driver.CreateOutputTopic("odd-out", Serdes.String, Serdes.String).ReadKeyValuesToList());
        Assert.Equal(3, driver.CreateOutputTopic("all-out", Serdes.String, Serdes.String).QueueSize);
    }

    private sealed class WrongChild : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        public void Init(IProcessorContext<string, string> context) => _context = context;
        public void Process(Record<string, string> record) => _context.Forward(record, "nope");
    }

    [Fact]
    public void Forwarding_to_an_unknown_child_names_the_children()
    {
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "in")
            .AddProcessor("p", () => new WrongChild(), "src")
            .AddSink("out", "out", Serdes.String, Serdes.String, "p");
        using var driver = new TopologyTestDriver(topology);
        var e = Assert.Throws<StreamTaskException>(() => driver.CreateInputTopic("in", Serdes.String, Serdes.String).PipeInput("k", "v"));
        Assert.Contains("no child named 'nope' (children: out)", e.Message);
        Assert.Equal("p", e.ProcessorName);
    }

    private sealed class StoreGrabber(string store) : IProcessor<string, string, string, string>
    {
        public void Init(IProcessorContext<string, string> context) => context.GetStateStore<IKeyValueStore<string, long>>(store);
        public void Process(Record<string, string> record) { }
    }

    [Fact]
    public void A_processor_only_gets_stores_connected_to_it()
    {
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "in")
            .AddProcessor("owner", () => new Forwarder(), "src")
            .AddProcessor("other", () => new StoreGrabber("counts"), "owner")
            .AddStateStore(Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("counts"), Serdes.String, Serdes.Long), "owner");
        var e = Assert.Throws<StreamTaskException>(() => new TopologyTestDriver(topology));
        Assert.Contains("processor 'other' is not connected to state store 'counts'", e.Message);
        Assert.Contains("ConnectProcessorAndStateStores", e.Message);
    }

    [Fact]
    public void Asking_for_a_store_with_the_wrong_type_says_what_it_is()
    {
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "in")
            .AddProcessor("p", () => new StoreGrabber("counts"), "src")
            .AddStateStore(Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("counts"), Serdes.String, Serdes.String), "p");
        var e = Assert.Throws<StreamTaskException>(() => new TopologyTestDriver(topology));
        Assert.IsType<InvalidCastException>(e.InnerException);
        Assert.Contains("state store 'counts'", e.Message);
    }

    /// <summary>Emits the metadata and clocks it sees.</summary>
    private sealed class MetadataEcho : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        public void Init(IProcessorContext<string, string> context) => _context = context;

        public void Process(Record<string, string> record)
        {
            var m = _context.RecordMetadata!;
            _context.Forward(record.WithValue(
                $"{m.Topic}/{m.Partition}/{m.Offset} task={_context.TaskId} app={_context.ApplicationId} stream={_context.CurrentStreamTimeMs} wall={_context.CurrentSystemTimeMs}"));
        }
    }

    [Fact]
    public void Context_exposes_record_metadata_task_and_clocks()
    {
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "in")
            .AddProcessor("echo", () => new MetadataEcho(), "src")
            .AddSink("out", "out", Serdes.String, Serdes.String, "echo");
        using var driver = new TopologyTestDriver(topology, new StreamsConfig { ApplicationId = "chat" }, Start);
        var input = driver.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("a", "x", 5_000);
        input.PipeInput("b", "y", 4_000);
        var output = driver.CreateOutputTopic("out", Serdes.String, Serdes.String);
        Assert.Equal($"in/0/0 task=0_0 app=chat stream=5000 wall={Start.ToUnixTimeMilliseconds()}", output.ReadValue());
        Assert.Equal($"in/0/1 task=0_0 app=chat stream=5000 wall={Start.ToUnixTimeMilliseconds()}", output.ReadValue());
    }

    [Fact]
    public void Headers_and_timestamps_flow_from_input_to_output()
    {
        using var driver = new TopologyTestDriver(RouterTopology());
        var input = driver.CreateInputTopic("in", Serdes.String, Serdes.String);
        var headers = new Headers { { "trace-id", "abc"u8.ToArray() } };
        input.PipeInput("k", "ab", headers, 123_456);

        var record = driver.CreateOutputTopic("even-out", Serdes.String, Serdes.String).ReadRecord();
        Assert.Equal(123_456, record.Timestamp);
        Assert.Equal("abc"u8.ToArray(), record.Headers!.GetLastBytes("trace-id"));
        Assert.Equal("even-out", record.Topic);
        Assert.Equal(0, record.Partition);
        Assert.Equal(0, record.Offset);
        // The driver copies headers: the caller's object is not shared with the topology.
        Assert.Single(headers);
    }

    /// <summary>Adds a header on the way: the output has it, the other branch's copy of the input does not.</summary>
    private sealed class HeaderStamper : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        public void Init(IProcessorContext<string, string> context) => _context = context;

        public void Process(Record<string, string> record)
        {
            var headers = new Headers();
            foreach (var h in record.Headers ?? []) headers.Add(h.Key, h.GetValueBytes());
            headers.Add("stamped", "yes"u8.ToArray());
            _context.Forward(record with { Headers = headers, Timestamp = record.Timestamp + 1 });
        }
    }

    [Fact]
    public void Processors_can_set_headers_and_timestamps_of_what_they_forward()
    {
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "in")
            .AddProcessor("stamp", () => new HeaderStamper(), "src")
            .AddSink("out", "out", Serdes.String, Serdes.String, "stamp");
        using var driver = new TopologyTestDriver(topology);
        driver.CreateInputTopic("in", Serdes.String, Serdes.String).PipeInput("k", "v", new Headers { { "h", [1] } }, 10);
        var record = driver.CreateOutputTopic("out", Serdes.String, Serdes.String).ReadRecord();
        Assert.Equal(11, record.Timestamp);
        Assert.Equal(["h", "stamped"], record.Headers!.Select(h => h.Key));
    }

    [Fact]
    public void Input_topics_stamp_records_with_their_own_time()
    {
        using var driver = new TopologyTestDriver(RouterTopology(), initialWallClock: Start);
        var input = driver.CreateInputTopic("in", Serdes.String, Serdes.String, Start.AddSeconds(10), TimeSpan.FromSeconds(1));
        input.PipeInput("a", "aa");
        input.PipeInput("b", "bb");
        input.AdvanceTime(TimeSpan.FromMinutes(1));
        input.PipeInput("c", "cc");
        input.PipeInput("d", "dd", 42);
        input.PipeRecordList([new TestRecord<string, string>("e", "ee"), new TestRecord<string, string>("f", "ff", 7)]);

        var start = Start.ToUnixTimeMilliseconds();
        Assert.Equal([start + 10_000, start + 11_000, start + 72_000, 42, start + 73_000, 7],
            driver.CreateOutputTopic("even-out", Serdes.String, Serdes.String).ReadRecordsToList().Select(r => r.Timestamp!.Value));
    }

    [Fact]
    public void Keyless_records_and_value_lists_can_be_piped()
    {
        using var driver = new TopologyTestDriver(RouterTopology());
        var input = driver.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("ab");
        input.PipeValueList(["cd", "ef"]);
        input.PipeKeyValueList([new KeyValuePair<string, string>("k", "gh")]);
        var output = driver.CreateOutputTopic("even-out", Serdes.String, Serdes.String);
        Assert.Equal([null, null, null, "k"], output.ReadRecordsToList().Select(r => r.Key));
    }

    [Fact]
    public void Output_topics_read_in_order_and_say_when_empty()
    {
        using var driver = new TopologyTestDriver(RouterTopology());
        var output = driver.CreateOutputTopic("all-out", Serdes.String, Serdes.String);
        Assert.True(output.IsEmpty);
        Assert.Contains("no record", Assert.Throws<InvalidOperationException>(() => output.ReadRecord()).Message);
        var input = driver.CreateInputTopic("in", Serdes.String, Serdes.String);
        input.PipeInput("a", "1");
        input.PipeInput("b", "2");
        Assert.Equal(2, output.QueueSize);
        Assert.Equal(new KeyValuePair<string, string>("a", "1"), output.ReadKeyValue());
        Assert.Equal("2", output.ReadValue());
        Assert.True(output.IsEmpty);
    }

    [Fact]
    public void Input_topics_must_be_read_by_the_topology()
    {
        using var driver = new TopologyTestDriver(RouterTopology());
        var e = Assert.Throws<ArgumentException>(() => driver.CreateInputTopic("typo", Serdes.String, Serdes.String));
        Assert.Contains("'typo' is not read by any source", e.Message);
        Assert.Contains("in", e.Message);
    }

    private sealed class PerEdge : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        public void Init(IProcessorContext<string, string> context) => _context = context;
        public void Process(Record<string, string> record) => _context.Forward(record);
    }

    [Fact]
    public void Records_sent_to_topics_chosen_per_record_can_be_read_by_name()
    {
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "frames")
            .AddProcessor("p", () => new PerEdge(), "src")
            .AddSink<string, string>("delivery", r => "delivery." + r.Value, Serdes.String, Serdes.String, "p");
        using var driver = new TopologyTestDriver(topology);
        var input = driver.CreateInputTopic("frames", Serdes.String, Serdes.String);
        input.PipeInput("u1", "edge-1");
        input.PipeInput("u2", "edge-2");
        input.PipeInput("u3", "edge-1");
        Assert.Equal(["u1", "u3"], driver.CreateOutputTopic("delivery.edge-1", Serdes.String, Serdes.String).ReadRecordsToList().Select(r => r.Key));
        Assert.Equal(["u2"], driver.CreateOutputTopic("delivery.edge-2", Serdes.String, Serdes.String).ReadRecordsToList().Select(r => r.Key));
    }

    private sealed class ClosingProcessor(List<string> log) : IProcessor<string, string, string, string>
    {
        public void Init(IProcessorContext<string, string> context) => log.Add("init");
        public void Process(Record<string, string> record) => log.Add("process " + record.Value);
        public void Close() => log.Add("close");
    }

    [Fact]
    public void Dispose_closes_processors_and_removes_the_state_directory()
    {
        var log = new List<string>();
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "in")
            .AddProcessor("p", () => new ClosingProcessor(log), "src")
            .AddStateStore(Stores.KeyValueStoreBuilder(Stores.PersistentKeyValueStore("disk"), Serdes.String, Serdes.String), "p");
        var driver = new TopologyTestDriver(topology);
        driver.CreateInputTopic("in", Serdes.String, Serdes.String).PipeInput("k", "v");
        driver.GetKeyValueStore<string, string>("disk").Put("k", "v");
        var taskDir = Path.Combine(driver.StateDirectory, TopologyTestDriver.DefaultApplicationId, "0_0");
        Assert.NotEmpty(Directory.GetFileSystemEntries(taskDir, "*", SearchOption.AllDirectories));
        driver.Dispose();
        Assert.Equal(["init", "process v", "close"], log);
        Assert.False(Directory.Exists(taskDir));
        Assert.Throws<ObjectDisposedException>(() => driver.CreateInputTopic("in", Serdes.String, Serdes.String));
    }

    [Fact]
    public void A_supplier_must_return_a_new_processor_per_task()
    {
        var shared = new Forwarder();
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "in")
            .AddProcessor("p", () => shared, "src");
        var e = Assert.Throws<InvalidOperationException>(() => new TopologyTestDriver(topology, partitions: 2));
        Assert.Contains("return a new processor on every call", e.Message);
    }
}
