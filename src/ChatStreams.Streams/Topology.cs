using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;

namespace ChatStreams.Streams;

/// <summary>
/// A processing graph (Kafka Streams' Topology): sources read topics, processors transform records, sinks write
/// topics (fixed, or chosen per record), state stores attach to processors. Connected parts of the graph form
/// sub-topologies; each runs as one task per partition of its (co-partitioned) source topics.
/// </summary>
public sealed class Topology
{
    private readonly Dictionary<string, TopologyNode> _nodes = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Dictionary<string, StoreDefinition> _stores = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InternalTopicDefinition> _internalTopics = new(StringComparer.Ordinal);

    internal IReadOnlyDictionary<string, TopologyNode> Nodes => _nodes;
    internal IEnumerable<TopologyNode> NodesInOrder => _order.Select(n => _nodes[n]);
    internal IReadOnlyDictionary<string, StoreDefinition> Stores => _stores;

    /// <summary>Repartition topics the runtime creates (named "&lt;application id&gt;-&lt;name&gt;").</summary>
    internal IReadOnlyDictionary<string, InternalTopicDefinition> InternalTopics => _internalTopics;

    /// <summary>Spec of a topic a per-record sink may write before anyone created it (see <see cref="CreateTopicsOnDemand"/>).</summary>
    internal Func<string, ChatStreams.Contracts.TopicSpec?>? OnDemandTopics { get; private set; }

    /// <summary>
    /// Lets per-record sinks write topics that do not exist yet (e.g. "delivery.&lt;edge id&gt;" of an edge that
    /// just appeared): before the first write to an unknown topic the runtime asks <paramref name="specFor"/> and, when
    /// it returns a spec, creates the topic and waits until it is visible. Each name is looked up once per instance.
    /// A missing topic the function answers null for (or throws for) fails the task with an error naming the topic,
    /// like any other task failure. The TopologyTestDriver ignores this: its topics always exist.
    /// </summary>
    public Topology CreateTopicsOnDemand(Func<string, ChatStreams.Contracts.TopicSpec?> specFor)
    {
        OnDemandTopics = specFor;
        return this;
    }

    public Topology AddSource<TKey, TValue>(string name, ISerde<TKey> keySerde, ISerde<TValue> valueSerde, params string[] topics)
    {
        if (topics.Length == 0) throw new ArgumentException($"source '{name}' needs at least one topic", nameof(topics));
        foreach (var existing in _nodes.Values.OfType<SourceDefinition>())
        {
            var clash = existing.Topics.Intersect(topics).FirstOrDefault();
            if (clash is not null) throw new InvalidOperationException($"topic '{clash}' is already read by source '{existing.Name}'");
        }
        return Add(new SourceDefinition<TKey, TValue>(name, topics, keySerde, valueSerde));
    }

    public Topology AddProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>(string name,
        Func<IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>> supplier, params string[] parentNames) =>
        Add(new ProcessorDefinition<TKeyIn, TValueIn, TKeyOut, TValueOut>(name, supplier), parentNames);

    public Topology AddSink<TKey, TValue>(string name, string topic, ISerde<TKey> keySerde, ISerde<TValue> valueSerde, params string[] parentNames) =>
        Add(new SinkDefinition<TKey, TValue>(name, _ => topic, keySerde, valueSerde, topic), parentNames);

    /// <summary>A sink whose topic is chosen per record (e.g. "delivery." + the device's edge id).</summary>
    public Topology AddSink<TKey, TValue>(string name, Func<Record<TKey, TValue>, string> topicExtractor,
        ISerde<TKey> keySerde, ISerde<TValue> valueSerde, params string[] parentNames) =>
        Add(new SinkDefinition<TKey, TValue>(name, topicExtractor, keySerde, valueSerde, null), parentNames);

    /// <summary>
    /// Declares an internal repartition topic "&lt;application id&gt;-&lt;name&gt;" that the runtime creates;
    /// write to it with <see cref="AddSink{TKey,TValue}(string,string,ISerde{TKey},ISerde{TValue},string[])"/> using
    /// <see cref="InternalTopicName"/> and read it with AddSource. Partitions: null = as many as the largest source topic.
    /// </summary>
    public Topology AddRepartitionTopic(string name, int? partitions = null)
    {
        _internalTopics[name] = new InternalTopicDefinition(name, partitions);
        return this;
    }

    /// <summary>Placeholder the runtime resolves to "&lt;application id&gt;-&lt;name&gt;" (topics can be named before the app id is known).</summary>
    public static string InternalTopicName(string name) => InternalTopicDefinition.Prefix + name;

    public Topology AddStateStore(IStoreBuilder builder, params string[] processorNames)
    {
        if (string.IsNullOrWhiteSpace(builder.Name)) throw new ArgumentException("state store names must not be empty");
        if (_stores.ContainsKey(builder.Name)) throw new InvalidOperationException($"state store '{builder.Name}' is already added");
        foreach (var p in processorNames)
            if (!_nodes.TryGetValue(p, out var node) || node is not ProcessorDefinition)
                throw new InvalidOperationException($"'{p}' is not a processor of this topology (state store '{builder.Name}' can only attach to processors)");
        _stores[builder.Name] = new StoreDefinition(builder);
        return ConnectProcessorAndStateStores(processorNames, builder.Name);
    }

    public Topology ConnectProcessorAndStateStores(string processorName, params string[] storeNames) =>
        ConnectProcessorAndStateStores([processorName], storeNames);

    private Topology ConnectProcessorAndStateStores(string[] processorNames, params string[] storeNames)
    {
        foreach (var p in processorNames)
        {
            if (!_nodes.TryGetValue(p, out var node) || node is not ProcessorDefinition processor)
                throw new InvalidOperationException($"'{p}' is not a processor of this topology");
            foreach (var s in storeNames)
            {
                if (!_stores.TryGetValue(s, out var store))
                    throw new InvalidOperationException($"state store '{s}' is not added: add it with AddStateStore before connecting it to '{p}'");
                if (processor.StoreNames.Contains(s)) continue;
                processor.StoreNames.Add(s);
                store.ProcessorNames.Add(p);
            }
        }
        return this;
    }

    private Topology Add(TopologyNode node, params string[] parentNames)
    {
        if (string.IsNullOrWhiteSpace(node.Name)) throw new ArgumentException("node names must not be empty");
        if (_nodes.ContainsKey(node.Name)) throw new InvalidOperationException($"a node named '{node.Name}' already exists");
        if (node is not SourceDefinition && parentNames.Length == 0)
            throw new InvalidOperationException($"'{node.Name}' needs at least one parent");
        if (parentNames.Distinct(StringComparer.Ordinal).Count() != parentNames.Length)
            throw new InvalidOperationException($"'{node.Name}' lists a parent twice");
        // Validate every parent before linking any, so a failed Add leaves the topology unchanged.
        foreach (var parent in parentNames)
        {
            if (!_nodes.TryGetValue(parent, out var p)) throw new InvalidOperationException($"parent '{parent}' of '{node.Name}' does not exist (add parents first)");
            if (p is SinkDefinition) throw new InvalidOperationException($"sink '{parent}' cannot have children");
            // Checked here, once, so records flow between typed node instances without casts per record.
            if (p.OutputTypes != node.InputTypes)
                throw new InvalidOperationException(
                    $"'{node.Name}' takes records {node.InputTypes} but its parent '{parent}' forwards {p.OutputTypes}: make the types match exactly");
        }
        foreach (var parent in parentNames)
        {
            _nodes[parent].Children.Add(node.Name);
            node.Parents.Add(parent);
        }
        _nodes[node.Name] = node;
        _order.Add(node.Name);
        return this;
    }

    /// <summary>The sub-topologies: connected components of nodes (sources, processors, sinks, stores), numbered in order.</summary>
    internal IReadOnlyList<Subtopology> Subtopologies()
    {
        var component = new Dictionary<string, int>();
        var result = new List<Subtopology>();
        foreach (var start in _order)
        {
            if (component.ContainsKey(start)) continue;
            var members = new List<string>();
            var stack = new Stack<string>([start]);
            while (stack.Count > 0)
            {
                var n = stack.Pop();
                if (!component.TryAdd(n, result.Count)) continue;
                members.Add(n);
                var node = _nodes[n];
                foreach (var next in node.Parents.Concat(node.Children)) stack.Push(next);
                // Nodes sharing a store belong together: the store lives in one task.
                if (node is ProcessorDefinition p)
                    foreach (var s in p.StoreNames)
                    foreach (var other in _stores[s].ProcessorNames)
                        stack.Push(other);
            }
            var ordered = _order.Where(members.Contains).ToList();
            result.Add(new Subtopology(result.Count, ordered.Select(x => _nodes[x]).ToList(),
                ordered.Select(x => _nodes[x]).OfType<ProcessorDefinition>().SelectMany(p => p.StoreNames).Distinct().ToList()));
        }
        return result;
    }

    public TopologyDescription Describe() => TopologyDescription.From(this);

    public override string ToString() => Describe().ToString();
}
