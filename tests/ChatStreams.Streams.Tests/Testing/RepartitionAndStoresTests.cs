using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;
using ChatStreams.Streams.Testing;

namespace ChatStreams.Streams.Tests.Testing;

public class RepartitionAndStoresTests
{
    /// <summary>Re-keys "conversation → member list" records into one record per member.</summary>
    private sealed class FanOut : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        public void Init(IProcessorContext<string, string> context) => _context = context;

        public void Process(Record<string, string> record)
        {
            foreach (var member in record.Value.Split(','))
                _context.Forward(new Record<string, string>(member, record.Key, record.Timestamp, record.Headers));
        }
    }

    /// <summary>Remembers, per member, the task and partition that handled it.</summary>
    private sealed class Inbox : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        private IKeyValueStore<string, string> _last = null!;

        public void Init(IProcessorContext<string, string> context)
        {
            _context = context;
            _last = context.GetStateStore<IKeyValueStore<string, string>>("last-conversation");
        }

        public void Process(Record<string, string> record)
        {
            _last.Put(record.Key, record.Value);
            _context.Forward(record.WithValue($"{record.Value} via {_context.RecordMetadata!.Topic}[{_context.RecordMetadata.Partition}] task {_context.TaskId}"));
        }
    }

    private static Topology FanOutTopology(int? repartitionPartitions = null) => new Topology()
        .AddSource("commands", Serdes.String, Serdes.String, "conversations")
        .AddProcessor("fan-out", () => new FanOut(), "commands")
        .AddRepartitionTopic("by-member", repartitionPartitions)
        .AddSink("to-members", Topology.InternalTopicName("by-member"), Serdes.String, Serdes.String, "fan-out")
        .AddSource("members", Serdes.String, Serdes.String, Topology.InternalTopicName("by-member"))
        .AddProcessor("inbox", () => new Inbox(), "members")
        .AddStateStore(Stores.KeyValueStoreBuilder(Stores.InMemoryKeyValueStore("last-conversation"), Serdes.String, Serdes.String), "inbox")
        .AddSink("deliveries", "deliveries", Serdes.String, Serdes.String, "inbox");

    [Fact]
    public void Repartition_topics_are_piped_back_before_PipeInput_returns()
    {
        using var driver = new TopologyTestDriver(FanOutTopology(), new StreamsConfig { ApplicationId = "fan" });
        driver.CreateInputTopic("conversations", Serdes.String, Serdes.String).PipeInput("conv-1", "alice,bob");

        var deliveries = driver.CreateOutputTopic("deliveries", Serdes.String, Serdes.String).ReadKeyValuesToList();
        Assert.Equal([("alice", "conv-1 via fan-by-member[0] task 1_0"), ("bob", "conv-1 via fan-by-member[0] task 1_0")],
            deliveries.Select(kv => (kv.Key, kv.Value)));
        // The hop itself is visible, as on a broker.
        Assert.Equal(2, driver.CreateOutputTopic("fan-by-member", Serdes.String, Serdes.String).QueueSize);
        Assert.Equal("conv-1", driver.GetKeyValueStore<string, string>("last-conversation").Get("bob"));
    }

    [Fact]
    public void In_multi_partition_mode_the_repartition_hop_lands_on_the_members_partition()
    {
        using var driver = new TopologyTestDriver(FanOutTopology(repartitionPartitions: 5), new StreamsConfig { ApplicationId = "fan" }, partitions: 2);
        var members = Enumerable.Range(0, 12).Select(i => $"m{i}").ToList();
        driver.CreateInputTopic("conversations", Serdes.String, Serdes.String).PipeInput("conv-9", string.Join(",", members));

        var deliveries = driver.CreateOutputTopic("deliveries", Serdes.String, Serdes.String).ReadKeyValuesToList();
        Assert.Equal(12, deliveries.Count);
        foreach (var (member, text) in deliveries)
        {
            var p = Murmur2Partitioner.Partition(System.Text.Encoding.UTF8.GetBytes(member), 5);
            Assert.Equal($"conv-9 via fan-by-member[{p}] task 1_{p}", text);
        }
        // Declared partition count of the repartition topic: 5 tasks for the second sub-topology.
        Assert.Equal(12, driver.GetKeyValueStore<string, string>("last-conversation").All().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => driver.GetKeyValueStore<string, string>("last-conversation", 5));
    }

    /// <summary>Remembers messages in a TTL store and drops repeats inside the window.</summary>
    private sealed class Dedup : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        private ITtlKeyValueStore<string, string> _seen = null!;

        public void Init(IProcessorContext<string, string> context)
        {
            _context = context;
            _seen = context.GetStateStore<ITtlKeyValueStore<string, string>>("seen");
            context.Schedule(TimeSpan.FromMinutes(1), PunctuationType.WallClockTime, now => _seen.PurgeExpired(now));
        }

        public void Process(Record<string, string> record)
        {
            var now = _context.CurrentSystemTimeMs;
            if (_seen.TryGet(record.Value, now, out _)) return;
            _seen.Put(record.Value, record.Key, now);
            _context.Forward(record);
        }
    }

    [Fact]
    public void Ttl_stores_are_reachable_and_expire_with_the_wall_clock()
    {
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "in")
            .AddProcessor("dedup", () => new Dedup(), "src")
            .AddStateStore(Stores.TtlKeyValueStoreBuilder("seen", TimeSpan.FromMinutes(10), Serdes.String, Serdes.String, persistent: false), "dedup")
            .AddSink("out", "out", Serdes.String, Serdes.String, "dedup");
        var start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        using var driver = new TopologyTestDriver(topology, initialWallClock: start);
        var input = driver.CreateInputTopic("in", Serdes.String, Serdes.String);
        var output = driver.CreateOutputTopic("out", Serdes.String, Serdes.String);

        input.PipeInput("alice", "msg-1");
        input.PipeInput("alice", "msg-1");
        Assert.Equal(1, output.QueueSize);
        var seen = driver.GetTtlKeyValueStore<string, string>("seen");
        Assert.True(seen.TryGet("msg-1", start.ToUnixTimeMilliseconds(), out var who));
        Assert.Equal("alice", who);

        driver.AdvanceWallClockTime(TimeSpan.FromMinutes(11));
        Assert.Empty(seen.All());
        input.PipeInput("alice", "msg-1");
        Assert.Equal(2, output.QueueSize);
    }
}
