using System.Text;
using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Testing;

/// <summary>
/// Runs a <see cref="Topology"/> without a broker, deterministically (Kafka Streams' TopologyTestDriver): pipe records
/// into input topics, read what the topology wrote, inspect stores, move the wall clock. Each piped record is processed
/// completely (including hops through repartition topics) before PipeInput returns. The tasks are the same
/// <see cref="StreamTaskFactory"/> tasks the real runtime runs.
/// </summary>
/// <remarks>
/// With <c>partitions</c> &gt; 1 every topic has that many partitions (repartition topics: their declared count), keyed
/// records are partitioned with murmur2 as the Java client does, and each sub-topology runs one task per partition.
/// Stores live in a fresh temporary state directory, deleted on Dispose.
/// </remarks>
public sealed class TopologyTestDriver : IDisposable
{
    /// <summary>Application id used when the config gives none.</summary>
    public const string DefaultApplicationId = "topology-test-driver";

    /// <summary>Records processed for one piped record before the driver assumes the topology feeds itself forever.</summary>
    private const int MaxRecordsPerStep = 1_000_000;

    private readonly StreamsConfig _config;
    private readonly DriverClock _clock;
    private readonly DriverTopics _topics;
    private readonly List<StreamTask> _tasks = [];
    private readonly Dictionary<TopicPartition, StreamTask> _taskByInput = new();
    private readonly List<DeadLetterRecord> _deadLetters = [];
    private readonly Topology _topology;
    private readonly string _stateDirectory;
    private bool _disposed;

    /// <param name="topology">The topology under test.</param>
    /// <param name="config">Application id and dead-letter settings (other settings are ignored; default app id "topology-test-driver").</param>
    /// <param name="initialWallClock">Start of the wall clock (default: now); it only moves with <see cref="AdvanceWallClockTime"/>.</param>
    /// <param name="partitions">Partitions of every topic; more than 1 runs one task per partition, as the real runtime would.</param>
    /// <param name="logger">Where task logs go (default: nowhere).</param>
    public TopologyTestDriver(Topology topology, StreamsConfig? config = null, DateTimeOffset? initialWallClock = null, int partitions = 1, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        if (partitions < 1) throw new ArgumentOutOfRangeException(nameof(partitions), partitions, "the driver needs at least one partition per topic");
        _topology = topology;
        _stateDirectory = Path.Combine(Path.GetTempPath(), "chatstreams-ttd-" + Guid.NewGuid().ToString("N"));
        _config = new StreamsConfig
        {
            ApplicationId = string.IsNullOrWhiteSpace(config?.ApplicationId) ? DefaultApplicationId : config.ApplicationId,
            DeserializationErrors = config?.DeserializationErrors ?? DeserializationErrorPolicy.DeadLetter,
            DeadLetterTopic = config?.DeadLetterTopic,
            StateDirectory = _stateDirectory,
        };
        _clock = new DriverClock(initialWallClock ?? DateTimeOffset.UtcNow);
        Partitions = partitions;

        var declared = topology.InternalTopics.Values
            .Where(t => t.Partitions is not null)
            .ToDictionary(t => InternalTopicDefinition.Resolve(Topology.InternalTopicName(t.Name), ApplicationId), t => t.Partitions!.Value, StringComparer.Ordinal);
        _topics = new DriverTopics(partitions, declared);

        var factory = new StreamTaskFactory(topology, _config, _clock, logger, _topics.PartitionCount, _stateDirectory);
        var collector = new DriverRecordCollector(this);
        try
        {
            foreach (var sub in factory.Subtopologies)
            {
                var sourceTopics = factory.SourceTopics(sub.Id);
                var counts = sourceTopics.Select(_topics.PartitionCount).Distinct().ToList();
                if (counts.Count > 1)
                    throw new InvalidOperationException(
                        $"sub-topology {sub.Id} reads topics with different partition counts ({string.Join(", ", sourceTopics.Select(t => $"{t}: {_topics.PartitionCount(t)}"))}): co-partitioned inputs need equal counts");
                // A changelog has one partition per task of its sub-topology, as the runtime creates it.
                foreach (var store in sub.StoreNames) declared[topology.Stores[store].ChangelogTopic(ApplicationId)] = counts[0];
                for (var p = 0; p < counts[0]; p++)
                {
                    var inputs = sourceTopics.Select(t => new TopicPartition(t, p)).ToList();
                    var task = factory.CreateTask(new TaskId(sub.Id, p), inputs, collector);
                    _tasks.Add(task);
                    foreach (var tp in inputs) _taskByInput[tp] = task;
                }
            }
            foreach (var task in _tasks) task.InitializeStores();
            foreach (var task in _tasks) task.InitializeProcessors();
        }
        catch
        {
            foreach (var task in _tasks) task.Dispose();
            DeleteStateDirectory();
            throw;
        }
    }

    public string ApplicationId => _config.ApplicationId;

    /// <summary>Partitions of each (non-internal) topic.</summary>
    public int Partitions { get; }

    /// <summary>The driver's wall clock.</summary>
    public DateTimeOffset WallClock => _clock.GetUtcNow();

    /// <summary>The temporary state directory of this driver (deleted on Dispose).</summary>
    internal string StateDirectory => _stateDirectory;

    /// <summary>The dead-letter topic of this driver's config ("&lt;application id&gt;-dlq" by default).</summary>
    public string DeadLetterTopic => _config.ResolvedDeadLetterTopic;

    /// <summary>An input topic; records piped into it are processed at once. The topic must be read by a source.</summary>
    /// <param name="startTimestamp">Timestamp of records piped without one (default: the driver's wall clock now).</param>
    /// <param name="autoAdvance">How much that timestamp moves after each such record (default: not at all).</param>
    public TestInputTopic<TKey, TValue> CreateInputTopic<TKey, TValue>(string topic, ISerde<TKey> keySerde, ISerde<TValue> valueSerde,
        DateTimeOffset? startTimestamp = null, TimeSpan? autoAdvance = null)
    {
        ThrowIfDisposed();
        var resolved = InternalTopicDefinition.Resolve(topic, ApplicationId);
        if (!_taskByInput.Keys.Any(tp => tp.Topic == resolved))
            throw new ArgumentException(
                $"topic '{resolved}' is not read by any source of the topology (sources read: {string.Join(", ", _taskByInput.Keys.Select(tp => tp.Topic).Distinct())})", nameof(topic));
        return new TestInputTopic<TKey, TValue>(this, resolved, keySerde, valueSerde, startTimestamp ?? WallClock, autoAdvance ?? TimeSpan.Zero);
    }

    /// <summary>
    /// Records the topology wrote to <paramref name="topic"/> (sink topics, per-record topics, repartition and
    /// changelog topics, the dead-letter topic). Reading removes them; several readers of one topic share the queue.
    /// </summary>
    public TestOutputTopic<TKey, TValue> CreateOutputTopic<TKey, TValue>(string topic, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    {
        ThrowIfDisposed();
        return new TestOutputTopic<TKey, TValue>(this, InternalTopicDefinition.Resolve(topic, ApplicationId), keySerde, valueSerde);
    }

    /// <summary>Topics that have records not yet read by a test.</summary>
    public IReadOnlyList<string> ProducedTopicNames => _topics.WrittenTopics.ToList();

    /// <summary>Every input record that could not be deserialized, in order (also readable as the dead-letter topic).</summary>
    public IReadOnlyList<DeadLetterRecord> GetDeadLetters() => _deadLetters.ToList();

    /// <summary>
    /// A key-value store. With several partitions the store exists once per task: the result reads across all of them
    /// and writes keys to the partition already holding them (use the overload with a partition for new keys).
    /// </summary>
    public IKeyValueStore<TKey, TValue> GetKeyValueStore<TKey, TValue>(string name)
    {
        var stores = StoresNamed<IKeyValueStore<TKey, TValue>>(name);
        return stores.Count == 1 ? stores[0] : new PartitionedKeyValueStoreView<TKey, TValue>(name, stores);
    }

    /// <summary>The key-value store of the task for <paramref name="partition"/>.</summary>
    public IKeyValueStore<TKey, TValue> GetKeyValueStore<TKey, TValue>(string name, int partition) =>
        GetStateStore<IKeyValueStore<TKey, TValue>>(name, partition);

    /// <summary>A TTL store; with several partitions a view across all tasks, like <see cref="GetKeyValueStore{TKey,TValue}(string)"/>.</summary>
    public ITtlKeyValueStore<TKey, TValue> GetTtlKeyValueStore<TKey, TValue>(string name)
    {
        var stores = StoresNamed<ITtlKeyValueStore<TKey, TValue>>(name);
        return stores.Count == 1 ? stores[0] : new PartitionedTtlKeyValueStoreView<TKey, TValue>(name, stores);
    }

    public ITtlKeyValueStore<TKey, TValue> GetTtlKeyValueStore<TKey, TValue>(string name, int partition) =>
        GetStateStore<ITtlKeyValueStore<TKey, TValue>>(name, partition);

    /// <summary>Any store by type, of the task for <paramref name="partition"/>.</summary>
    public TStore GetStateStore<TStore>(string name, int partition = 0) where TStore : IStateStore
    {
        var candidates = TasksWithStore(name);
        var task = candidates.FirstOrDefault(t => t.Id.Partition == partition)
                   ?? throw new ArgumentOutOfRangeException(nameof(partition), partition,
                       $"state store '{name}' exists for partitions {string.Join(", ", candidates.Select(t => t.Id.Partition))}");
        return Cast<TStore>(name, task.Store(name)!);
    }

    /// <summary>Moves the wall clock and runs wall-clock punctuations that became due (each at most once, as in Kafka Streams).</summary>
    public void AdvanceWallClockTime(TimeSpan by)
    {
        ThrowIfDisposed();
        _clock.Advance(by);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var task in _tasks) task.MaybePunctuateSystemTime(now);
        RunUntilIdle();
    }

    internal void Pipe(string topic, byte[]? key, byte[]? value, Headers headers, long timestamp)
    {
        ThrowIfDisposed();
        var partition = _topics.ChoosePartition(topic, key);
        var tp = new TopicPartition(topic, partition);
        if (!_taskByInput.TryGetValue(tp, out var task)) throw new InvalidOperationException($"no task reads {tp}");
        Deliver(task, tp, key, value, headers, timestamp);
        RunUntilIdle();
    }

    /// <summary>Called by the tasks' collector for every record they send.</summary>
    internal void Written(string topic, int? partition, byte[]? key, byte[]? value, Headers? headers, long timestamp)
    {
        var count = _topics.PartitionCount(topic);
        var p = partition ?? _topics.ChoosePartition(topic, key);
        if (p < 0 || p >= count) throw new InvalidOperationException($"partition {p} of topic '{topic}' does not exist (the topic has {count})");
        var tp = new TopicPartition(topic, p);
        // Copied as a producer would serialize them: later changes to the record's headers do not reach the topic.
        var copy = Copy(headers);
        var record = new ProducedRecord(topic, p, _topics.NextOffset(tp), key, value, copy, timestamp);
        _topics.Written(record);
        if (topic == _config.ResolvedDeadLetterTopic) _deadLetters.Add(ToDeadLetter(record));
        // Repartition topics (and any topic the topology also reads) flow back in, as through a broker.
        if (_taskByInput.TryGetValue(tp, out var reader)) reader.AddRecords(tp, [ToConsumeResult(tp, record.Offset, key, value, Copy(headers), timestamp)]);
    }

    internal Queue<ProducedRecord> OutputQueue(string topic)
    {
        ThrowIfDisposed();
        return _topics.Queue(topic);
    }

    private void Deliver(StreamTask task, TopicPartition tp, byte[]? key, byte[]? value, Headers headers, long timestamp) =>
        task.AddRecords(tp, [ToConsumeResult(tp, _topics.NextOffset(tp), key, value, headers, timestamp)]);

    /// <summary>Processes until no task has buffered input, punctuating on stream time after every record; then commits.</summary>
    private void RunUntilIdle()
    {
        var processed = 0;
        bool progress;
        do
        {
            progress = false;
            foreach (var task in _tasks)
            {
                while (task.BufferedRecords > 0)
                {
                    task.Process(1);
                    task.MaybePunctuateStreamTime();
                    progress = true;
                    if (++processed > MaxRecordsPerStep)
                        throw new InvalidOperationException(
                            $"more than {MaxRecordsPerStep} records were processed for one input: the topology probably writes to a topic it reads (a loop)");
                }
            }
        } while (progress);
        foreach (var task in _tasks) task.PrepareCommit();
    }

    private List<StreamTask> TasksWithStore(string name)
    {
        ThrowIfDisposed();
        if (!_topology.Stores.ContainsKey(name))
            throw new ArgumentException($"the topology has no state store '{name}' (stores: {(_topology.Stores.Count == 0 ? "none" : string.Join(", ", _topology.Stores.Keys))})", nameof(name));
        var tasks = _tasks.Where(t => t.Store(name) is not null).ToList();
        if (tasks.Count == 0) throw new ArgumentException($"state store '{name}' is not connected to any processor, so no task has it", nameof(name));
        return tasks;
    }

    private List<TStore> StoresNamed<TStore>(string name) where TStore : IStateStore =>
        TasksWithStore(name).Select(t => Cast<TStore>(name, t.Store(name)!)).ToList();

    private static TStore Cast<TStore>(string name, IStateStore store) => store is TStore typed
        ? typed
        : throw new InvalidCastException($"state store '{name}' is a {store.GetType().Name}, which is not a {typeof(TStore).Name}");

    private static ConsumeResult<byte[]?, byte[]?> ToConsumeResult(TopicPartition tp, long offset, byte[]? key, byte[]? value, Headers headers, long timestamp) => new()
    {
        Topic = tp.Topic,
        Partition = tp.Partition,
        Offset = offset,
        Message = new Message<byte[]?, byte[]?> { Key = key, Value = value, Headers = headers, Timestamp = new Timestamp(timestamp, TimestampType.CreateTime) },
    };

    internal static Headers Copy(Headers? headers)
    {
        var copy = new Headers();
        if (headers is not null)
            foreach (var h in headers) copy.Add(h.Key, h.GetValueBytes());
        return copy;
    }

    private static DeadLetterRecord ToDeadLetter(ProducedRecord r)
    {
        string Header(string key) => r.Headers.TryGetLastBytes(key, out var b) ? Encoding.UTF8.GetString(b) : "";
        return new DeadLetterRecord(r.Key, r.Value, r.Timestamp, r.Headers, Header(DeadLetterHeaders.Reason), Header(DeadLetterHeaders.Topic),
            int.TryParse(Header(DeadLetterHeaders.Partition), out var p) ? p : -1,
            long.TryParse(Header(DeadLetterHeaders.Offset), out var o) ? o : -1, Header(DeadLetterHeaders.TaskId));
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Closes processors and stores (cleanly: stores are flushed) and deletes the temporary state directory.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        var errors = new List<Exception>();
        foreach (var task in _tasks)
        {
            try { task.Close(clean: true); }
            catch (Exception e) { errors.Add(e); }
        }
        DeleteStateDirectory();
        if (errors.Count > 0) throw errors.Count == 1 ? errors[0] : new AggregateException("closing the topology failed", errors);
    }

    private void DeleteStateDirectory()
    {
        try
        {
            if (Directory.Exists(_stateDirectory)) Directory.Delete(_stateDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A store that still holds a file open; the OS temp cleaner gets it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
