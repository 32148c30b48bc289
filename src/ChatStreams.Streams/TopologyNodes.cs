using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;

namespace ChatStreams.Streams;

/// <summary>A node of a <see cref="Topology"/> as declared; the execution core instantiates it per task.</summary>
internal abstract class TopologyNode(string name)
{
    public string Name { get; } = name;
    public List<string> Parents { get; } = [];
    public List<string> Children { get; } = [];

    /// <summary>Key and value types this node accepts (null for sources).</summary>
    public abstract RecordTypes? InputTypes { get; }

    /// <summary>Key and value types this node forwards (null for sinks).</summary>
    public abstract RecordTypes? OutputTypes { get; }

    /// <summary>Creates this node's instance for one task (typed, so records flow without reflection).</summary>
    public abstract RuntimeNode Instantiate(StreamTaskContext task);
}

/// <summary>The key and value types of records on an edge of the graph; parents and children must agree exactly.</summary>
internal readonly record struct RecordTypes(Type Key, Type Value)
{
    public static RecordTypes Of<TKey, TValue>() => new(typeof(TKey), typeof(TValue));

    public override string ToString() => $"<{Show(Key)}, {Show(Value)}>";

    private static string Show(Type t) => t.IsGenericType
        ? $"{t.Name[..t.Name.IndexOf('`')]}<{string.Join(", ", t.GetGenericArguments().Select(Show))}>"
        : t.Name;
}

internal abstract class SourceDefinition(string name, IReadOnlyList<string> topics) : TopologyNode(name)
{
    public IReadOnlyList<string> Topics { get; } = topics;
    public override RecordTypes? InputTypes => null;
}

internal sealed class SourceDefinition<TKey, TValue>(string name, IReadOnlyList<string> topics, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    : SourceDefinition(name, topics)
{
    public ISerde<TKey> KeySerde { get; } = keySerde;
    public ISerde<TValue> ValueSerde { get; } = valueSerde;
    public override RecordTypes? OutputTypes => RecordTypes.Of<TKey, TValue>();
    public override RuntimeNode Instantiate(StreamTaskContext task) => new SourceNode<TKey, TValue>(this, task);
}

internal abstract class ProcessorDefinition(string name) : TopologyNode(name)
{
    public List<string> StoreNames { get; } = [];
}

internal sealed class ProcessorDefinition<TKeyIn, TValueIn, TKeyOut, TValueOut>(string name, Func<IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>> supplier)
    : ProcessorDefinition(name)
{
    public Func<IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>> Supplier { get; } = supplier;

    /// <summary>Instances the supplier returned so far (weakly held): each task needs its own.</summary>
    public System.Runtime.CompilerServices.ConditionalWeakTable<object, object?> Issued { get; } = new();

    public override RecordTypes? InputTypes => RecordTypes.Of<TKeyIn, TValueIn>();
    public override RecordTypes? OutputTypes => RecordTypes.Of<TKeyOut, TValueOut>();
    public override RuntimeNode Instantiate(StreamTaskContext task) => new ProcessorNode<TKeyIn, TValueIn, TKeyOut, TValueOut>(this, task);
}

internal abstract class SinkDefinition(string name, string? fixedTopic) : TopologyNode(name)
{
    /// <summary>The topic when fixed (null when chosen per record).</summary>
    public string? FixedTopic { get; } = fixedTopic;
    public override RecordTypes? OutputTypes => null;
}

internal sealed class SinkDefinition<TKey, TValue>(string name, Func<Record<TKey, TValue>, string> topicExtractor,
    ISerde<TKey> keySerde, ISerde<TValue> valueSerde, string? fixedTopic) : SinkDefinition(name, fixedTopic)
{
    public Func<Record<TKey, TValue>, string> TopicExtractor { get; } = topicExtractor;
    public ISerde<TKey> KeySerde { get; } = keySerde;
    public ISerde<TValue> ValueSerde { get; } = valueSerde;
    public override RecordTypes? InputTypes => RecordTypes.Of<TKey, TValue>();
    public override RuntimeNode Instantiate(StreamTaskContext task) => new SinkNode<TKey, TValue>(this, task);
}

internal sealed class StoreDefinition(IStoreBuilder builder)
{
    public IStoreBuilder Builder { get; } = builder;
    public List<string> ProcessorNames { get; } = [];

    /// <summary>"&lt;application id&gt;-&lt;store&gt;-changelog", as Kafka Streams names it.</summary>
    public string ChangelogTopic(string applicationId) => $"{applicationId}-{Builder.Name}-changelog";
}

internal sealed record InternalTopicDefinition(string Name, int? Partitions)
{
    public const string Prefix = "__internal__:";

    public static string Resolve(string topic, string applicationId) =>
        topic.StartsWith(Prefix, StringComparison.Ordinal) ? $"{applicationId}-{topic[Prefix.Length..]}" : topic;
}

/// <summary>A connected part of the topology; one task per partition of its source topics.</summary>
internal sealed record Subtopology(int Id, IReadOnlyList<TopologyNode> Nodes, IReadOnlyList<string> StoreNames)
{
    public IEnumerable<SourceDefinition> Sources => Nodes.OfType<SourceDefinition>();
    public IEnumerable<string> SourceTopics => Sources.SelectMany(s => s.Topics);
}
