using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;
using ChatStreams.Streams.Tests.Testing;
using Confluent.Kafka;
using static ChatStreams.Streams.Tests.Processor.ConsumedRecords;

namespace ChatStreams.Streams.Tests.Processor;

/// <summary>A task driven directly, as a stream thread drives it.</summary>
public sealed class StreamTaskTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "chatstreams-task-tests-" + Guid.NewGuid().ToString("N"));
    private readonly RecordingCollector _collector = new();

    public void Dispose()
    {
        if (Directory.Exists(_stateDir)) Directory.Delete(_stateDir, true);
    }

    private StreamTaskFactory Factory(Topology topology, DeserializationErrorPolicy policy = DeserializationErrorPolicy.DeadLetter,
        Func<string, int>? partitionCount = null) =>
        new(topology, new StreamsConfig { ApplicationId = "app", DeserializationErrors = policy, StateDirectory = _stateDir }, partitionCount: partitionCount);

    private static void Start(IStreamTask task)
    {
        task.InitializeStores();
        task.InitializeProcessors();
    }

    /// <summary>Records the order of what it saw.</summary>
    private sealed class Recorder(List<string> seen) : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        public void Init(IProcessorContext<string, string> context) => _context = context;

        public void Process(Record<string, string> record)
        {
            seen.Add($"{_context.RecordMetadata!.Topic}:{record.Value}@{record.Timestamp} st={_context.CurrentStreamTimeMs}");
            _context.Forward(record);
        }
    }

    [Fact]
    public void Records_of_co_partitioned_inputs_are_processed_in_timestamp_order_and_offsets_commit_per_partition()
    {
        var seen = new List<string>();
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "a", "b")
            .AddProcessor("rec", () => new Recorder(seen), "src");
        using var task = Factory(topology).Create(new TaskId(0, 2), [new TopicPartition("a", 2), new TopicPartition("b", 2)], _collector);
        Start(task);

        task.AddRecords(new TopicPartition("a", 2), [Record("a", 2, 10, null, Utf8("a1"), 100), Record("a", 2, 11, null, Utf8("a2"), 300)]);
        task.AddRecords(new TopicPartition("b", 2), [Record("b", 2, 7, null, Utf8("b1"), 200), Record("b", 2, 8, null, Utf8("b2"), 250)]);
        Assert.Equal(4, task.BufferedRecords);

        Assert.Equal(3, task.Process(3));
        var offsets = task.PrepareCommit();
        Assert.Equal(new Offset(11), offsets[new TopicPartition("a", 2)]);
        Assert.Equal(new Offset(9), offsets[new TopicPartition("b", 2)]);

        Assert.Equal(1, task.Process(10));
        Assert.Equal(0, task.Process(10));
        Assert.Equal(["a:a1@100 st=100", "b:b1@200 st=200", "b:b2@250 st=250", "a:a2@300 st=300"], seen);
        // Only the partition that progressed since the last commit.
        var second = task.PrepareCommit();
        Assert.Equal(new Offset(12), Assert.Single(second).Value);
        Assert.Empty(task.PrepareCommit());
    }

    [Fact]
    public void Stream_time_never_goes_back_for_an_older_record()
    {
        var seen = new List<string>();
        var topology = new Topology().AddSource("src", Serdes.String, Serdes.String, "a").AddProcessor("rec", () => new Recorder(seen), "src");
        using var task = Factory(topology).Create(new TaskId(0, 0), [new TopicPartition("a", 0)], _collector);
        Start(task);
        task.AddRecords(new TopicPartition("a", 0), [Record("a", 0, 0, null, Utf8("x"), 500), Record("a", 0, 1, null, Utf8("y"), 400)]);
        task.Process(10);
        Assert.Equal(["a:x@500 st=500", "a:y@400 st=500"], seen);
    }

    [Fact]
    public void Processing_needs_the_lifecycle_in_order()
    {
        var topology = new Topology().AddSource("src", Serdes.String, Serdes.String, "a");
        using var task = Factory(topology).Create(new TaskId(0, 0), [new TopicPartition("a", 0)], _collector);
        var early = Assert.Throws<InvalidOperationException>(() => task.Process(1));
        Assert.Contains("running", early.Message);
        Assert.Throws<InvalidOperationException>(() => task.InitializeProcessors());
        Start(task);
        Assert.Throws<InvalidOperationException>(() => task.InitializeStores());
        var wrong = Assert.Throws<ArgumentException>(() => task.AddRecords(new TopicPartition("a", 1), []));
        Assert.Contains("not an input partition", wrong.Message);
    }

    [Fact]
    public void Factory_rejects_partitions_that_do_not_belong_to_the_task()
    {
        var factory = Factory(new Topology().AddSource("src", Serdes.String, Serdes.String, "a"));
        Assert.Contains("not a source", Assert.Throws<ArgumentException>(() => factory.Create(new TaskId(0, 0), [new TopicPartition("zzz", 0)], _collector)).Message);
        Assert.Contains("partition 1", Assert.Throws<ArgumentException>(() => factory.Create(new TaskId(0, 1), [new TopicPartition("a", 0)], _collector)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => factory.Create(new TaskId(3, 0), [new TopicPartition("a", 0)], _collector));
    }

    [Fact]
    public void Stores_log_to_the_changelog_partition_of_the_task_and_can_be_restored()
    {
        using var task = Factory(WordCountTopology.Build("words", "counts-out")).Create(new TaskId(0, 3), [new TopicPartition("words", 3)], _collector);
        Assert.Equal(new TopicPartition("app-counts-changelog", 3), task.ChangelogPartitions[WordCountTopology.StoreName]);
        task.InitializeStores();
        task.RestorableStore(WordCountTopology.StoreName).Restore([(Utf8("hello"), Serdes.Long.Serialize(41, default), 5)]);
        task.InitializeProcessors();

        task.AddRecords(new TopicPartition("words", 3), [Record("words", 3, 0, Utf8("hello"), Utf8("w"), 1_000)]);
        task.Process(1);

        var changelog = Assert.Single(_collector.To("app-counts-changelog"));
        Assert.Equal(3, changelog.Partition);
        Assert.Equal(42, Serdes.Long.Deserialize(changelog.Value, false, default));
        // The changelog record carries the timestamp of the record being processed.
        Assert.Equal(1_000, changelog.Timestamp);
        var output = Assert.Single(_collector.To("counts-out"));
        Assert.Equal(42, Serdes.Long.Deserialize(output.Value, false, default));
    }

    [Fact]
    public void Restoring_an_unknown_store_names_the_stores()
    {
        using var task = Factory(WordCountTopology.Build()).Create(new TaskId(0, 0), [new TopicPartition("words", 0)], _collector);
        task.InitializeStores();
        Assert.Contains("counts", Assert.Throws<ArgumentException>(() => task.RestorableStore("nope")).Message);
    }

    [Fact]
    public void Sinks_partition_with_murmur2_when_partition_counts_are_known()
    {
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "in")
            .AddSink("out", "out", Serdes.String, Serdes.String, "src");
        using var task = Factory(topology, partitionCount: _ => 12).Create(new TaskId(0, 0), [new TopicPartition("in", 0)], _collector);
        Start(task);
        task.AddRecords(new TopicPartition("in", 0), [Record("in", 0, 0, Utf8("foobar"), Utf8("v"), 1), Record("in", 0, 1, null, Utf8("v"), 2)]);
        task.Process(10);
        Assert.Equal([6, null], _collector.To("out").Select(r => r.Partition));
    }

    [Fact]
    public void A_record_that_cannot_be_deserialized_goes_to_the_dead_letter_topic_and_its_offset_is_committed()
    {
        var seen = new List<string>();
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.Long, "numbers")
            .AddProcessor<string, long, string, long>("p", () => new ForwardAll<string, long>(), "src")
            .AddSink("sink", "out", Serdes.String, Serdes.Long, "p");
        using var task = Factory(topology).Create(new TaskId(0, 1), [new TopicPartition("numbers", 1)], _collector);
        Start(task);
        var original = new Headers { { "trace", Utf8("t-1") } };
        task.AddRecords(new TopicPartition("numbers", 1), [
            Record("numbers", 1, 5, Utf8("k"), Utf8("not a long"), 10, original),
            Record("numbers", 1, 6, Utf8("k"), Serdes.Long.Serialize(7, default), 11),
        ]);
        Assert.Equal(2, task.Process(10));

        var dead = Assert.Single(_collector.To("app-dlq"));
        Assert.Equal("not a long", System.Text.Encoding.UTF8.GetString(dead.Value!));
        Assert.Equal("k", System.Text.Encoding.UTF8.GetString(dead.Key!));
        string H(string key) => System.Text.Encoding.UTF8.GetString(dead.Headers!.GetLastBytes(key));
        Assert.Equal("numbers", H(DeadLetterHeaders.Topic));
        Assert.Equal("1", H(DeadLetterHeaders.Partition));
        Assert.Equal("5", H(DeadLetterHeaders.Offset));
        Assert.Equal("0_1", H(DeadLetterHeaders.TaskId));
        Assert.Contains("8 bytes", H(DeadLetterHeaders.Reason));
        Assert.Equal("t-1", H("trace"));
        Assert.Single(_collector.To("out"));
        Assert.Equal(new Offset(7), task.PrepareCommit()[new TopicPartition("numbers", 1)]);
    }

    [Fact]
    public void Fail_policy_stops_at_the_bad_record_and_names_it()
    {
        var topology = new Topology().AddSource("src", Serdes.String, Serdes.Long, "numbers");
        using var task = Factory(topology, DeserializationErrorPolicy.Fail).Create(new TaskId(0, 0), [new TopicPartition("numbers", 0)], _collector);
        Start(task);
        task.AddRecords(new TopicPartition("numbers", 0), [Record("numbers", 0, 9, null, Utf8("bad"), 1)]);
        var e = Assert.Throws<StreamTaskException>(() => task.Process(1));
        Assert.Contains("numbers[0]@9", e.Message);
        Assert.Equal(new RecordMetadata("numbers", 0, 9), e.Record);
        Assert.IsType<SerializationException>(e.InnerException);
        Assert.Empty(_collector.Records);
        Assert.Empty(task.PrepareCommit());
    }

    [Fact]
    public void A_failing_processor_is_reported_with_task_processor_and_record_and_its_offset_is_not_committed()
    {
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "a")
            .AddProcessor<string, string, string, string>("boom", () => new Throwing(), "src");
        using var task = Factory(topology).Create(new TaskId(0, 0), [new TopicPartition("a", 0)], _collector);
        Start(task);
        task.AddRecords(new TopicPartition("a", 0), [Record("a", 0, 3, null, Utf8("x"), 1)]);
        var e = Assert.Throws<StreamTaskException>(() => task.Process(1));
        Assert.Equal("boom", e.ProcessorName);
        Assert.Equal(new TaskId(0, 0), e.TaskId);
        Assert.Contains("a[0]@3", e.Message);
        Assert.IsType<FormatException>(e.InnerException);
        Assert.Empty(task.PrepareCommit());
    }

    [Fact]
    public void Commit_requests_are_cleared_by_PrepareCommit()
    {
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "a")
            .AddProcessor<string, string, string, string>("committer", () => new Committer(), "src");
        using var task = Factory(topology).Create(new TaskId(0, 0), [new TopicPartition("a", 0)], _collector);
        Start(task);
        Assert.False(task.CommitRequested);
        task.AddRecords(new TopicPartition("a", 0), [Record("a", 0, 0, null, Utf8("x"), 1)]);
        task.Process(1);
        Assert.True(task.CommitRequested);
        task.PrepareCommit();
        Assert.False(task.CommitRequested);
    }

    [Fact]
    public void Close_closes_processors_once_and_stores()
    {
        var closes = new List<string>();
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "a")
            .AddProcessor<string, string, string, string>("p", () => new Closing(closes), "src");
        var task = Factory(topology).Create(new TaskId(0, 0), [new TopicPartition("a", 0)], _collector);
        Start(task);
        task.Close(clean: true);
        task.Close(clean: true);
        task.Dispose();
        Assert.Equal(["p"], closes);
        Assert.Throws<ObjectDisposedException>(() => task.AddRecords(new TopicPartition("a", 0), []));
    }

    private sealed class ForwardAll<TK, TV> : IProcessor<TK, TV, TK, TV>
    {
        private IProcessorContext<TK, TV> _context = null!;
        public void Init(IProcessorContext<TK, TV> context) => _context = context;
        public void Process(Record<TK, TV> record) => _context.Forward(record);
    }

    private sealed class Throwing : IProcessor<string, string, string, string>
    {
        public void Init(IProcessorContext<string, string> context) { }
        public void Process(Record<string, string> record) => throw new FormatException("cannot parse " + record.Value);
    }

    private sealed class Committer : IProcessor<string, string, string, string>
    {
        private IProcessorContext<string, string> _context = null!;
        public void Init(IProcessorContext<string, string> context) => _context = context;
        public void Process(Record<string, string> record) => _context.Commit();
    }

    private sealed class Closing(List<string> closes) : IProcessor<string, string, string, string>
    {
        public void Init(IProcessorContext<string, string> context) { }
        public void Process(Record<string, string> record) { }
        public void Close() => closes.Add("p");
    }

    /// <summary>A store that records its lifecycle, and can refuse to open.</summary>
    private sealed class LifecycleStore(string name, List<string> log, bool failToOpen) : IStateStore
    {
        public string Name => name;
        public bool Persistent => false;

        public void Init(IStateStoreContext context)
        {
            if (failToOpen) throw new IOException("disk full");
            log.Add("open " + name);
        }

        public void Flush() => log.Add("flush " + name);
        public void Close() => log.Add("close " + name);
    }

    private sealed class LifecycleStoreBuilder(string name, List<string> log, bool failToOpen = false) : IStoreBuilder
    {
        public string Name => name;
        public bool LoggingEnabled => false;
        public IReadOnlyDictionary<string, string> ChangelogConfig { get; } = new Dictionary<string, string>();
        public IStateStore Build() => new LifecycleStore(name, log, failToOpen);
    }

    [Fact]
    public void A_store_that_fails_to_open_is_reported_and_the_opened_ones_are_closed()
    {
        var log = new List<string>();
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "a")
            .AddProcessor<string, string, string, string>("p", () => new ForwardAll<string, string>(), "src")
            .AddStateStore(new LifecycleStoreBuilder("good", log), "p")
            .AddStateStore(new LifecycleStoreBuilder("bad", log, failToOpen: true), "p");
        var task = Factory(topology).Create(new TaskId(0, 0), [new TopicPartition("a", 0)], _collector);
        Assert.Empty(task.ChangelogPartitions);
        var e = Assert.Throws<StreamTaskException>(() => task.InitializeStores());
        Assert.Equal("bad", e.ProcessorName);
        Assert.Contains("state store 'bad' could not be opened", e.Message);
        Assert.IsType<IOException>(e.InnerException);
        task.Dispose();
        Assert.Equal(["open good", "close good"], log);
    }

    [Fact]
    public void A_clean_close_flushes_stores_before_closing_them()
    {
        var log = new List<string>();
        var topology = new Topology()
            .AddSource("src", Serdes.String, Serdes.String, "a")
            .AddProcessor<string, string, string, string>("p", () => new ForwardAll<string, string>(), "src")
            .AddStateStore(new LifecycleStoreBuilder("s", log), "p");
        var task = Factory(topology).Create(new TaskId(0, 0), [new TopicPartition("a", 0)], _collector);
        Start(task);
        task.Close(clean: true);
        Assert.Equal(["open s", "flush s", "close s"], log);
    }
}
