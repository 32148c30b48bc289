using ChatStreams.Streams.Serialization;
using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Dsl;

/// <summary>
/// The fluent layer over <see cref="Topology"/> (Kafka Streams' StreamsBuilder): start streams from topics, chain
/// operators on <see cref="KStream{TKey,TValue}"/>, then <see cref="Build"/>. Unnamed nodes get Kafka Streams'
/// generated names (KSTREAM-FILTER-0000000001, …), numbered in the order they are added.
/// </summary>
public sealed class StreamsBuilder
{
    private readonly Topology _topology = new();
    private int _nextIndex;
    private bool _built;

    /// <summary>A stream of the records of <paramref name="topic"/>.</summary>
    public KStream<TKey, TValue> Stream<TKey, TValue>(string topic, ISerde<TKey> keySerde, ISerde<TValue> valueSerde, string? name = null) =>
        Stream([topic], keySerde, valueSerde, name);

    /// <summary>One stream of several topics (co-partitioned: they share tasks, records merge in timestamp order).</summary>
    public KStream<TKey, TValue> Stream<TKey, TValue>(IReadOnlyList<string> topics, ISerde<TKey> keySerde, ISerde<TValue> valueSerde, string? name = null)
    {
        var node = NodeName(name, "KSTREAM-SOURCE-");
        Mutate().AddSource(node, keySerde, valueSerde, topics.ToArray());
        return new KStream<TKey, TValue>(this, node, keySerde, valueSerde);
    }

    /// <summary>Adds a store; connect it to processors by naming it in <see cref="KStream{TKey,TValue}.Process{TKeyOut,TValueOut}(Func{Processor.IProcessor{TKey,TValue,TKeyOut,TValueOut}},string[])"/>.</summary>
    public StreamsBuilder AddStateStore(IStoreBuilder storeBuilder)
    {
        Mutate().AddStateStore(storeBuilder);
        return this;
    }

    /// <summary>The topology built so far; the builder cannot be changed afterwards.</summary>
    public Topology Build()
    {
        _built = true;
        return _topology;
    }

    /// <summary>The given name, or the next generated one with Kafka Streams' prefix and ten-digit index.</summary>
    internal string NodeName(string? given, string prefix)
    {
        if (given is not null)
        {
            if (string.IsNullOrWhiteSpace(given)) throw new ArgumentException("a node name must not be empty", nameof(given));
            return given;
        }
        return $"{prefix}{_nextIndex++:D10}";
    }

    internal Topology Mutate() => _built
        ? throw new InvalidOperationException("this StreamsBuilder has already built its topology; use a new StreamsBuilder for another one")
        : _topology;
}
