using ChatStreams.Streams.Processor;
using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;

namespace ChatStreams.Streams;

/// <summary>A node of a <see cref="Topology"/> as declared; the execution core instantiates it per task.</summary>
internal abstract class TopologyNode(string name)
{
    public string Name { get; } = name;
    public List<string> Parents { get; } = [];
    public List<string> Children { get; } = [];
}

internal abstract class SourceDefinition(string name, IReadOnlyList<string> topics) : TopologyNode(name)
{
    public IReadOnlyList<string> Topics { get; } = topics;
}

internal sealed class SourceDefinition<TKey, TValue>(string name, IReadOnlyList<string> topics, ISerde<TKey> keySerde, ISerde<TValue> valueSerde)
    : SourceDefinition(name, topics)
{
    public ISerde<TKey> KeySerde { get; } = keySerde;
    public ISerde<TValue> ValueSerde { get; } = valueSerde;
}

internal abstract class ProcessorDefinition(string name) : TopologyNode(name)
{
    public List<string> StoreNames { get; } = [];
}

internal sealed class ProcessorDefinition<TKeyIn, TValueIn, TKeyOut, TValueOut>(string name, Func<IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>> supplier)
    : ProcessorDefinition(name)
{
    public Func<IProcessor<TKeyIn, TValueIn, TKeyOut, TValueOut>> Supplier { get; } = supplier;
}

internal abstract class SinkDefinition(string name, string? fixedTopic) : TopologyNode(name)
{
    /// <summary>The topic when fixed (null when chosen per record).</summary>
    public string? FixedTopic { get; } = fixedTopic;
}

internal sealed class SinkDefinition<TKey, TValue>(string name, Func<Record<TKey, TValue>, string> topicExtractor,
    ISerde<TKey> keySerde, ISerde<TValue> valueSerde, string? fixedTopic) : SinkDefinition(name, fixedTopic)
{
    public Func<Record<TKey, TValue>, string> TopicExtractor { get; } = topicExtractor;
    public ISerde<TKey> KeySerde { get; } = keySerde;
    public ISerde<TValue> ValueSerde { get; } = valueSerde;
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
