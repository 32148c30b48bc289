using ChatStreams.Streams.Processor;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// Builds the tasks of one topology for one application: per task fresh processor instances (from the suppliers),
/// fresh stores (from the builders), typed node wiring and the task's partition group. Used by the stream threads
/// and by the TopologyTestDriver, so both run exactly the same execution code.
/// </summary>
internal sealed class StreamTaskFactory
{
    private readonly Topology _topology;
    private readonly StreamsConfig _config;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<string, int>? _partitionCount;
    private readonly string _stateDirectory;

    /// <param name="topology">The topology; not changed by the factory.</param>
    /// <param name="config">Application id, state directory and dead-letter policy/topic.</param>
    /// <param name="time">Wall clock for punctuation and stores (default: the system clock).</param>
    /// <param name="logger">Logger of the tasks.</param>
    /// <param name="partitionCount">Partition count of an output topic; when given, sinks partition keyed records with murmur2 themselves.</param>
    /// <param name="stateDirectory">Root of task directories; default <see cref="StreamsConfig.StateDirectory"/>.</param>
    public StreamTaskFactory(Topology topology, StreamsConfig config, TimeProvider? time = null, ILogger? logger = null,
        Func<string, int>? partitionCount = null, string? stateDirectory = null)
    {
        if (string.IsNullOrWhiteSpace(config.ApplicationId))
            throw new ArgumentException("Streams:ApplicationId is required (it names internal topics, changelogs and state directories)", nameof(config));
        _topology = topology;
        _config = config;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _partitionCount = partitionCount;
        _stateDirectory = stateDirectory ?? config.StateDirectory;
        Subtopologies = topology.Subtopologies();
    }

    public string ApplicationId => _config.ApplicationId;

    public IReadOnlyList<Subtopology> Subtopologies { get; }

    /// <summary>The source topics of a sub-topology with internal topic names resolved ("&lt;app id&gt;-&lt;name&gt;").</summary>
    public IReadOnlyList<string> SourceTopics(int subtopology) =>
        Subtopology(subtopology).SourceTopics.Select(t => InternalTopicDefinition.Resolve(t, ApplicationId)).ToList();

    /// <summary>Creates the task <paramref name="id"/> reading <paramref name="inputPartitions"/> (all with partition number id.Partition).</summary>
    public IStreamTask Create(TaskId id, IReadOnlyCollection<TopicPartition> inputPartitions, IRecordCollector collector) =>
        CreateTask(id, inputPartitions, collector);

    /// <summary>The same as <see cref="Create"/> with the concrete type (the test driver reads stores through it).</summary>
    internal StreamTask CreateTask(TaskId id, IReadOnlyCollection<TopicPartition> inputPartitions, IRecordCollector collector)
    {
        var sub = Subtopology(id.Subtopology);
        var sourceTopics = SourceTopics(id.Subtopology).ToHashSet(StringComparer.Ordinal);
        if (inputPartitions.Count == 0) throw new ArgumentException($"task {id} needs at least one input partition", nameof(inputPartitions));
        foreach (var tp in inputPartitions)
        {
            if (!sourceTopics.Contains(tp.Topic))
                throw new ArgumentException($"task {id}: topic '{tp.Topic}' is not a source of sub-topology {sub.Id} (sources: {string.Join(", ", sourceTopics)})", nameof(inputPartitions));
            if (tp.Partition.Value != id.Partition)
                throw new ArgumentException($"task {id} reads partition {id.Partition} of its topics, not {tp}", nameof(inputPartitions));
        }

        var context = new StreamTaskContext(ApplicationId, id, collector, _time, _logger, _partitionCount);
        var stores = new StreamTaskStores(context, sub.StoreNames.Select(n => _topology.Stores[n]), _stateDirectory);
        var nodes = new Dictionary<string, RuntimeNode>(StringComparer.Ordinal);
        foreach (var definition in sub.Nodes) nodes[definition.Name] = definition.Instantiate(context);
        foreach (var definition in sub.Nodes) nodes[definition.Name].Connect(definition.Children.Select(c => nodes[c]).ToList());

        var sources = new Dictionary<string, ISourceNode>(StringComparer.Ordinal);
        foreach (var source in sub.Sources)
        foreach (var topic in source.Topics)
            sources[InternalTopicDefinition.Resolve(topic, ApplicationId)] = (ISourceNode)nodes[source.Name];

        var deadLetters = new StreamTaskDeadLetters(context, _config.DeserializationErrors, _config.ResolvedDeadLetterTopic);
        return new StreamTask(context, inputPartitions, stores, sub.Nodes.Select(d => nodes[d.Name]).ToList(), sources, deadLetters);
    }

    private Subtopology Subtopology(int id) =>
        id >= 0 && id < Subtopologies.Count ? Subtopologies[id]
            : throw new ArgumentOutOfRangeException(nameof(id), id, $"the topology has sub-topologies 0..{Subtopologies.Count - 1}");
}
