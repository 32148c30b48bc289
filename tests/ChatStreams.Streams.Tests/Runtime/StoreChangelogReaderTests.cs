using System.Text;
using ChatStreams.Streams.Metrics;
using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.State;
using ChatStreams.Streams.Tests.Processor;
using ChatStreams.Streams.Tests.Runtime.Support;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Streams.Tests.Runtime;

/// <summary>Restoring stores from their changelog on the embedded broker, without the rest of the runtime.</summary>
public sealed class StoreChangelogReaderTests : IAsyncLifetime
{
    private const string Changelog = "app-last-changelog";
    private static readonly TopicPartition ChangelogPartition = new(Changelog, 0);
    private EmbeddedKafka _kafka = null!;
    private readonly TempDirectory _state = new();

    public async Task InitializeAsync()
    {
        _kafka = await EmbeddedKafka.StartAsync();
        await _kafka.CreateTopicAsync("src", 1);
        await _kafka.CreateTopicAsync(Changelog, 1, new Dictionary<string, string> { ["cleanup.policy"] = "compact" });
    }

    public async Task DisposeAsync()
    {
        await _kafka.DisposeAsync();
        _state.Dispose();
    }

    private StreamTask NewTask(bool persistent)
    {
        var config = new StreamsConfig { ApplicationId = "app", StateDirectory = _state.Path };
        var factory = new StreamTaskFactory(TestTopologies.Reading(persistent, "src"), config, stateDirectory: _state.Path);
        var task = factory.CreateTask(new TaskId(0, 0), [new TopicPartition("src", 0)], new RecordingCollector());
        task.InitializeStores();
        return task;
    }

    private (StoreChangelogReader Reader, IConsumer<byte[]?, byte[]?> Consumer, IAdminClient Admin) NewReader(StreamsMetrics metrics, int batchSize = 1000)
    {
        var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = _kafka.BootstrapServers, GroupId = "app-restore", EnablePartitionEof = true, EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted, AutoOffsetReset = AutoOffsetReset.Earliest, FetchWaitMaxMs = 50,
        }).Build();
        var admin = _kafka.Admin();
        return (new StoreChangelogReader(consumer, admin, "thread-1", metrics, NullLogger.Instance, batchSize), consumer, admin);
    }

    private static IReadOnlyDictionary<TopicPartition, long> RestoreUntilDone(StoreChangelogReader reader, TaskId task)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var done = reader.Restore(TimeSpan.FromMilliseconds(200));
            if (done.SingleOrDefault(d => d.Task == task) is { Offsets: not null } finished) return finished.Offsets;
        }
        throw new TimeoutException("restoration did not finish");
    }

    private void WriteTransaction(bool commit, params (string Key, string? Value)[] records)
    {
        using var producer = new ProducerBuilder<string, string?>(new ProducerConfig
        {
            BootstrapServers = _kafka.BootstrapServers, TransactionalId = "writer-" + Guid.NewGuid(),
        }).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));
        producer.BeginTransaction();
        foreach (var (key, value) in records)
            producer.Produce(ChangelogPartition, new Message<string, string?> { Key = key, Value = value });
        // Flush first: an abort would otherwise drop unsent records instead of writing them and then aborting.
        producer.Flush(TimeSpan.FromSeconds(30));
        if (commit) producer.CommitTransaction(TimeSpan.FromSeconds(30));
        else producer.AbortTransaction(TimeSpan.FromSeconds(30));
    }

    private void WritePlain(params (string Key, string? Value)[] records)
    {
        using var producer = new ProducerBuilder<string, string?>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers }).Build();
        foreach (var (key, value) in records) producer.Produce(ChangelogPartition, new Message<string, string?> { Key = key, Value = value });
        producer.Flush(TimeSpan.FromSeconds(30));
    }

    private static Dictionary<string, string> Contents(StreamTask task) =>
        ((IKeyValueStore<string, string>)task.Store("last")!).All().ToDictionary(e => e.Key, e => e.Value);

    [Fact]
    public void Committed_writes_and_deletes_are_restored_and_aborted_ones_are_not()
    {
        WriteTransaction(commit: true, ("k1", "a"), ("k2", "b"));
        WriteTransaction(commit: false, ("k1", "never"), ("k4", "never"));
        WriteTransaction(commit: true, ("k2", null), ("k3", "c"));
        using var metrics = new StreamsMetrics("app");
        using var capture = new MetricsCapture("app");
        var (reader, consumer, admin) = NewReader(metrics, batchSize: 2);
        using var _ = consumer;
        using var __ = admin;
        using var task = NewTask(persistent: false);

        Assert.Equal(1, reader.Register(task, new Dictionary<TopicPartition, long>()));
        var offsets = RestoreUntilDone(reader, task.Id);

        Assert.Equal(new Dictionary<string, string> { ["k1"] = "a", ["k3"] = "c" }, Contents(task));
        // 4 committed records, 2 aborted, 3 transaction markers: the end is offset 9.
        Assert.Equal(9, offsets[ChangelogPartition]);
        Assert.False(reader.HasPending);
        Assert.Equal(4, capture.Sum("chatstreams.streams.restore.records"));
    }

    [Fact]
    public void A_persistent_store_restores_only_the_changelog_after_its_checkpoint()
    {
        WritePlain(("k1", "old"), ("k1", "new"), ("k2", "x"));
        using var metrics = new StreamsMetrics("app");
        using var capture = new MetricsCapture("app");
        var (reader, consumer, admin) = NewReader(metrics);
        using var _ = consumer;
        using var __ = admin;
        using var task = NewTask(persistent: true);

        reader.Register(task, new Dictionary<TopicPartition, long> { [ChangelogPartition] = 1 });
        var offsets = RestoreUntilDone(reader, task.Id);

        Assert.Equal(3, offsets[ChangelogPartition]);
        Assert.Equal(2, capture.Sum("chatstreams.streams.restore.records"));
        Assert.Equal(new Dictionary<string, string> { ["k1"] = "new", ["k2"] = "x" }, Contents(task));
    }

    [Fact]
    public void An_in_memory_store_ignores_a_checkpoint_and_restores_everything()
    {
        WritePlain(("k1", "old"), ("k1", "new"), ("k2", "x"));
        using var metrics = new StreamsMetrics("app");
        using var capture = new MetricsCapture("app");
        var (reader, consumer, admin) = NewReader(metrics);
        using var _ = consumer;
        using var __ = admin;
        using var task = NewTask(persistent: false);

        reader.Register(task, new Dictionary<TopicPartition, long> { [ChangelogPartition] = 2 });
        RestoreUntilDone(reader, task.Id);

        Assert.Equal(3, capture.Sum("chatstreams.streams.restore.records"));
        Assert.Equal(new Dictionary<string, string> { ["k1"] = "new", ["k2"] = "x" }, Contents(task));
    }

    [Fact]
    public void An_empty_changelog_finishes_at_once()
    {
        using var metrics = new StreamsMetrics("app");
        var (reader, consumer, admin) = NewReader(metrics);
        using var _ = consumer;
        using var __ = admin;
        using var task = NewTask(persistent: false);

        reader.Register(task, new Dictionary<TopicPartition, long>());
        var done = reader.Restore(TimeSpan.FromSeconds(5));

        Assert.Equal(0, Assert.Single(done).Offsets[ChangelogPartition]);
        Assert.Empty(Contents(task));
    }

    [Fact]
    public void A_checkpoint_beyond_the_end_of_the_changelog_marks_the_task_corrupted()
    {
        WritePlain(("k1", "a"));
        using var metrics = new StreamsMetrics("app");
        var (reader, consumer, admin) = NewReader(metrics);
        using var _ = consumer;
        using var __ = admin;
        using var task = NewTask(persistent: true);

        reader.Register(task, new Dictionary<TopicPartition, long> { [ChangelogPartition] = 50 });
        // It looks again for a few seconds (a transaction marker may lag), then gives up.
        var error = Assert.Throws<TaskCorruptedException>(() =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline) Assert.Empty(reader.Restore(TimeSpan.FromMilliseconds(200)));
        });
        Assert.Equal([task.Id], error.Tasks);
    }

    [Fact]
    public void Many_records_are_restored_in_batches_with_every_key()
    {
        const int count = 20_000;
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers, LingerMs = 5 }).Build())
        {
            for (var i = 0; i < count; i++) producer.Produce(ChangelogPartition, new Message<string, string> { Key = $"k{i % 5000}", Value = $"v{i}" });
            producer.Flush(TimeSpan.FromSeconds(30));
        }
        using var metrics = new StreamsMetrics("app");
        using var capture = new MetricsCapture("app");
        var (reader, consumer, admin) = NewReader(metrics, batchSize: 500);
        using var _ = consumer;
        using var __ = admin;
        using var task = NewTask(persistent: true);

        reader.Register(task, new Dictionary<TopicPartition, long>());
        RestoreUntilDone(reader, task.Id);

        var contents = Contents(task);
        Assert.Equal(5000, contents.Count);
        Assert.Equal(Encoding.UTF8.GetBytes($"v{count - 1}"), Encoding.UTF8.GetBytes(contents[$"k{(count - 1) % 5000}"]));
        Assert.Equal(count, capture.Sum("chatstreams.streams.restore.records"));
        Assert.True(capture.Of("chatstreams.streams.restore.records").Count >= count / 500, "restored in batches of at most 500");
    }
}
